package com.aicredits.access;

import com.aicredits.directory.Directory;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.SecretBox;
import com.aicredits.shared.TenantId;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The sign-on half of access: each tenant's OpenID Connect provider (issue 15). The sign-in itself is Spring
 * Security's OAuth2 client ({@link TenantRegistrations}, {@link SsoPeople}); this sets, reads and turns off the
 * connection. The client secret is sealed by {@link SecretBox} before it is stored and is never returned.
 */
@Service
public class SingleSignOn {

    /** Where a provider sends the person back; the registration id is the tenant id. */
    public static final String CALLBACK = "/login/oauth2/code/";
    static final int MAX_ISSUER = 500;
    static final int MAX_CLIENT_ID = 500;
    static final int MAX_CLIENT_SECRET = 1000;

    private final SsoStore store;
    private final SecretBox secrets;
    private final Directory directory;
    private final TenantRegistrations registrations;
    private final Clock clock;
    private final boolean allowInsecureIssuers;
    private final PublicAddress address;
    private final ProviderAddresses providerAddresses;

    SingleSignOn(SsoStore store, SecretBox secrets, Directory directory, TenantRegistrations registrations, Clock clock,
            @Value("${aicredits.sso.allow-insecure-issuers:false}") boolean allowInsecureIssuers, PublicAddress address,
            ProviderAddresses providerAddresses) {
        this.store = store;
        this.secrets = secrets;
        this.directory = directory;
        this.registrations = registrations;
        this.clock = clock;
        this.allowInsecureIssuers = allowInsecureIssuers;
        this.address = address;
        this.providerAddresses = providerAddresses;
    }

    /**
     * Sets (or replaces) the tenant's provider. Nothing is fetched from the provider here (discovery runs at sign-in,
     * or when {@link #check} asks), so a provider that cannot be reached yet is saved all the same.
     */
    @Transactional
    public Outcome<SsoConnection> configure(TenantId tenant, SsoSettings settings) {
        if (directory.tenant(tenant).isEmpty()) {
            return Refused.notFound("tenant");
        }
        var invalid = invalidIssuer(settings.issuer())
                .or(() -> invalidText("clientId", settings.clientId(), MAX_CLIENT_ID))
                .or(() -> settings.clientSecret() instanceof SsoSettings.ClientSecret.Entered(var text)
                        ? invalidText("clientSecret", text, MAX_CLIENT_SECRET) : Optional.empty());
        if (invalid.isPresent()) {
            return invalid.get();
        }
        String sealedSecret = switch (settings.clientSecret()) {
            case SsoSettings.ClientSecret.Entered(var text) -> secrets.seal(text, context(tenant));
            case SsoSettings.ClientSecret.Kept() -> store.stored(tenant).map(SsoStore.Stored::sealedSecret).orElse(null);
        };
        if (sealedSecret == null) {
            return Refused.invalid("clientSecret", "clientSecret is required: no secret is stored yet");
        }
        var connection = new SsoConnection(tenant, settings.issuer().strip(), settings.clientId().strip(),
                settings.enforced(), settings.justInTimeRole(), clock.instant().truncatedTo(ChronoUnit.MICROS));
        store.save(connection, sealedSecret);
        registrations.forget(tenant);
        return Outcome.done(connection);
    }

    /**
     * Whether the tenant's provider answers now, asked the way the sign-in asks it (its discovery document, which must
     * name the same issuer), with the reason when it does not; empty without single sign-on.
     */
    public Optional<ProviderAnswer> check(TenantId tenant) {
        return registrations.check(tenant);
    }

    /**
     * Whether the provider at {@code issuer} answers now, asked as the sign-in asks it, before any settings are saved;
     * empty for an issuer {@link #configure} refuses (which says why).
     */
    public Optional<ProviderAnswer> probe(TenantId tenant, String issuer) {
        return invalidIssuer(issuer).isPresent() ? Optional.empty()
                : Optional.of(registrations.probe(tenant, issuer.strip()));
    }

    /** The tenant's provider, if it has one; empty for an unknown tenant too. */
    public Optional<SsoConnection> connection(TenantId tenant) {
        return store.stored(tenant).map(SsoStore.Stored::connection);
    }

    /** Turns single sign-on off (its people sign in with a password again, if they have one). Done also when it was off. */
    @Transactional
    public Outcome<Boolean> turnOff(TenantId tenant) {
        if (directory.tenant(tenant).isEmpty()) {
            return Refused.notFound("tenant");
        }
        boolean wasOn = store.delete(tenant);
        registrations.forget(tenant);
        return Outcome.done(wasOn);
    }

    /**
     * The address to register at the provider. From the configured public base URL; without one, from the base the
     * caller reached this service at (the API's own request), which is what a development set-up needs.
     */
    public String redirectUri(TenantId tenant, String requestBase) {
        return address.base(requestBase) + CALLBACK + tenant;
    }

    /** The organisation's own sign-in link, for the IT admin to share: it goes straight to the provider. */
    public String organisationSignIn(TenantId tenant, String requestBase) {
        return address.base(requestBase) + "/login/organisation/" + tenant;
    }

    /** How a tenant's people sign in, as the sign-in page offers it. */
    public enum SignInWay {
        /** No single sign-on (or a provider that cannot be reached now, when a password is still allowed). */
        PASSWORD,
        /** At the provider, or with a password for those who have one. */
        PROVIDER_OR_PASSWORD,
        /** At the provider only (enforced). */
        PROVIDER_ONLY,
        /** Enforced, and the provider cannot be discovered now: nobody of the tenant can sign in until it can. */
        PROVIDER_UNREACHABLE
    }

    /** Asks the provider's discovery document once per change of the connection (then cached). */
    public SignInWay signInWay(TenantId tenant) {
        var stored = store.stored(tenant);
        if (stored.isEmpty()) {
            return SignInWay.PASSWORD;
        }
        boolean enforced = stored.get().connection().enforced();
        if (!registrations.reachable(tenant)) {
            return enforced ? SignInWay.PROVIDER_UNREACHABLE : SignInWay.PASSWORD;
        }
        return enforced ? SignInWay.PROVIDER_ONLY : SignInWay.PROVIDER_OR_PASSWORD;
    }

    /** Password sign-in is refused for this tenant's people. */
    boolean enforced(TenantId tenant) {
        return store.stored(tenant).map(s -> s.connection().enforced()).orElse(false);
    }

    static String context(TenantId tenant) {
        return "sso-client-secret:" + tenant;
    }

    /**
     * An https URL with a host and nothing after the path (the issuer is compared character for character with the
     * provider's discovery document). Plain http only to a loopback address and only when allowed (tests, development).
     */
    private Optional<Refused<SsoConnection>> invalidIssuer(String issuer) {
        if (issuer == null || issuer.isBlank()) {
            return Optional.of(issuerRefused("issuer is required: the provider's issuer URL"));
        }
        if (issuer.strip().length() > MAX_ISSUER || hasControl(issuer)) {
            return Optional.of(issuerRefused("issuer is an https URL of at most " + MAX_ISSUER + " characters"));
        }
        final URI uri;
        try {
            uri = new URI(issuer.strip());
        } catch (URISyntaxException e) {
            return Optional.of(issuerRefused("issuer is not a URL"));
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return Optional.of(issuerRefused("issuer is an https URL with a host and no user, query or fragment"));
        }
        if ("https".equalsIgnoreCase(uri.getScheme())) {
            return providerAddresses.refused(uri).map(SingleSignOn::issuerRefused);
        }
        if ("http".equalsIgnoreCase(uri.getScheme()) && allowInsecureIssuers && loopback(uri.getHost())) {
            return Optional.empty();
        }
        return Optional.of(issuerRefused("issuer must be an https URL"));
    }

    private static boolean loopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|\\[[0-9a-fA-F:]+\\]")) {
            return false; // a name would need a DNS lookup to tell; only literal addresses count
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Optional<Refused<SsoConnection>> invalidText(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            return Optional.of(Refused.invalid(field, field + " is required"));
        }
        if (value.strip().length() > max || hasControl(value)) {
            return Optional.of(Refused.invalid(field, field + " has 1 to " + max + " characters and no control characters"));
        }
        return Optional.empty();
    }

    private static boolean hasControl(String text) {
        return text.chars().anyMatch(Character::isISOControl);
    }

    private static Refused<SsoConnection> issuerRefused(String message) {
        return new Refused<>(Refusal.INVALID_ISSUER, message, null, "issuer");
    }
}

package com.aicredits.access;

import com.aicredits.shared.SecretBox;
import com.aicredits.shared.TenantId;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenDecoderFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenValidator;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.converter.ClaimTypeConverter;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.stereotype.Component;

/**
 * Each tenant's OpenID Connect client, for Spring Security's OAuth2 login: the registration id is the tenant id.
 * A registration is built from the provider's discovery document ({@code ClientRegistrations.fromIssuerLocation},
 * which also checks the document names the same issuer) and cached with the version of the tenant's row; every
 * lookup compares that version (one key lookup), so a change made on any instance is used at the next sign-in
 * everywhere. The ID-token decoder is cached with its registration, never by id alone: a decoder outliving a
 * change of client id would check the audience against the old one.
 */
@Component
class TenantRegistrations implements ClientRegistrationRepository, JwtDecoderFactory<ClientRegistration> {

    private static final Logger log = LoggerFactory.getLogger(TenantRegistrations.class);

    /** What discovering a tenant's provider gave: a registration, or the reason there is none now. */
    private sealed interface Discovery {
    }

    private record Cached(long version, ClientRegistration registration, JwtDecoder decoder) implements Discovery {
    }

    private record Failed(String reason) implements Discovery {
    }

    private final SsoStore store;
    private final SecretBox secrets;
    private final PublicAddress address;
    private final ProviderAddresses providerAddresses;
    private final ProviderHttp http;
    private final Map<TenantId, Cached> cache = new ConcurrentHashMap<>();

    TenantRegistrations(SsoStore store, SecretBox secrets, PublicAddress address, ProviderAddresses providerAddresses,
            ProviderHttp http) {
        this.store = store;
        this.secrets = secrets;
        this.address = address;
        this.providerAddresses = providerAddresses;
        this.http = http;
    }

    /**
     * The tenant's registration; null (as the interface wants) when the id is no tenant, the tenant has no
     * provider, or its provider cannot be discovered now (logged: the person is told their provider is unreachable).
     */
    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        return tenant(registrationId).flatMap(this::registered).map(Cached::registration).orElse(null);
    }

    /** Whether the tenant's provider can be reached now (the sign-in page asks before sending anyone there). */
    boolean reachable(TenantId tenant) {
        return registered(tenant).isPresent();
    }

    /**
     * The same question asked afresh, with the reason when the answer is no; empty when the tenant has no provider.
     * Afresh, because the admin asking may have just fixed the provider's side; the answer is the one the next sign-in
     * uses.
     */
    Optional<ProviderAnswer> check(TenantId tenant) {
        cache.remove(tenant);
        return current(tenant).map(d -> switch (d) {
            case Cached c -> new ProviderAnswer.Reachable();
            case Failed f -> new ProviderAnswer.Unreachable(f.reason());
        });
    }

    @Override
    public JwtDecoder createDecoder(ClientRegistration registration) {
        var cached = tenant(registration.getRegistrationId()).map(cache::get)
                .filter(c -> c.registration() == registration);
        // A registration no longer cached (changed meanwhile) still gets a decoder of its own, never another's.
        return cached.map(Cached::decoder).orElseGet(() -> decoder(registration));
    }

    /**
     * The ID-token decoder Spring Security's OidcIdTokenDecoderFactory builds (RS256, the timestamps and the OpenID
     * checks of the token, claims converted), with the signing keys fetched through {@link ProviderHttp}.
     */
    private JwtDecoder decoder(ClientRegistration registration) {
        var decoder = NimbusJwtDecoder.withJwkSetUri(registration.getProviderDetails().getJwkSetUri())
                .jwsAlgorithm(SignatureAlgorithm.RS256).restOperations(http.rest()).build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(),
                new OidcIdTokenValidator(registration)));
        decoder.setClaimSetConverter(new ClaimTypeConverter(OidcIdTokenDecoderFactory.createDefaultClaimTypeConverters()));
        return decoder;
    }

    void forget(TenantId tenant) {
        cache.remove(tenant);
    }

    private Optional<Cached> registered(TenantId tenant) {
        return current(tenant).flatMap(d -> d instanceof Cached c ? Optional.of(c) : Optional.empty());
    }

    private Optional<Discovery> current(TenantId tenant) {
        var version = store.version(tenant);
        if (version.isEmpty()) {
            cache.remove(tenant);
            return Optional.empty();
        }
        var cached = cache.get(tenant);
        if (cached != null && cached.version() == version.get()) {
            return Optional.of(cached);
        }
        var found = store.stored(tenant).map(this::discover);
        if (found.orElse(null) instanceof Cached built) {
            cache.put(tenant, built);
        } else {
            cache.remove(tenant);
        }
        return found;
    }

    private Discovery discover(SsoStore.Stored stored) {
        var c = stored.connection();
        return discover(c.tenantId(), c.issuer(), c.clientId(),
                () -> secrets.open(stored.sealedSecret(), SingleSignOn.context(c.tenantId())), stored.version());
    }

    /**
     * What a sign-in would meet at {@code issuer}, asked before anything is saved: the settings page asks it before it
     * refuses password sign-in for everyone.
     */
    ProviderAnswer probe(TenantId tenant, String issuer) {
        return switch (discover(tenant, issuer, "probe", () -> "", 0)) {
            case Cached c -> new ProviderAnswer.Reachable();
            case Failed f -> new ProviderAnswer.Unreachable(f.reason());
        };
    }

    private Discovery discover(TenantId tenant, String issuer, String clientId, Supplier<String> clientSecret,
            long version) {
        var refused = providerAddresses.refused(URI.create(issuer));
        if (refused.isPresent()) {
            log.warn("single sign-on of tenant {}: the provider {} is not called: {}", tenant, issuer, refused.get());
            return new Failed(refused.get());
        }
        try {
            var registration = ClientRegistrations.fromOidcConfiguration(http.discovery(issuer))
                    .registrationId(tenant.toString())
                    .clientId(clientId)
                    .clientSecret(clientSecret.get())
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri(address.base("{baseUrl}") + SingleSignOn.CALLBACK
                            + "{registrationId}")
                    .scope(OidcScopes.OPENID, OidcScopes.EMAIL, OidcScopes.PROFILE)
                    // PKCE for every tenant, confidential client or not: a stolen code is useless without the verifier.
                    .clientSettings(ClientRegistration.ClientSettings.builder().requireProofKey(true).build())
                    .clientName(issuer)
                    .build();
            // The server calls these itself (the authorization endpoint only the person's browser visits).
            var details = registration.getProviderDetails();
            for (String endpoint : new String[] {details.getTokenUri(), details.getJwkSetUri(), details.getUserInfoEndpoint().getUri()}) {
                var inside = endpoint == null ? Optional.<String>empty() : providerAddresses.refused(URI.create(endpoint));
                if (inside.isPresent()) {
                    log.warn("single sign-on of tenant {}: the provider {} names an endpoint not called: {}", tenant,
                            issuer, inside.get());
                    return new Failed(inside.get());
                }
            }
            return new Cached(version, registration, decoder(registration));
        } catch (RuntimeException e) {
            // An unreachable provider, or one whose discovery document names another issuer: no sign-in there now.
            String why = String.valueOf(e.getMessage());
            String reason = Undiscoverable.reason(issuer, e);
            log.warn("single sign-on of tenant {}: the provider {} cannot be discovered: {} ({})", tenant, issuer,
                    reason, why.length() > 300 ? why.substring(0, 300) + "…" : why);
            return new Failed(reason);
        }
    }

    private static Optional<TenantId> tenant(String registrationId) {
        try {
            var tenant = new TenantId(UUID.fromString(registrationId));
            // One spelling per tenant (UUID.fromString also reads "1-1-1-1-1"): no alias of a registration.
            return tenant.toString().equals(registrationId) ? Optional.of(tenant) : Optional.empty();
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }
}

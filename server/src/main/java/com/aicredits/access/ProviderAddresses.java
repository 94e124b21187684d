package com.aicredits.access;

import com.aicredits.shared.PublicAddresses;
import java.net.URI;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Where the service may call a tenant's identity provider (server-side request forgery): the issuer is a tenant
 * admin's word, and any visitor can make the service fetch its discovery document (the organisation's sign-in link).
 * So its host, and the hosts of the endpoints its discovery document names (token, keys, user info), must resolve to
 * public addresses only ({@link PublicAddresses}), checked when the issuer is set, on the endpoints when they are
 * discovered, and at each connection ({@link ProviderHttp}: a name that later resolves inside, DNS rebinding). A provider inside the service's own network (an on-premises
 * Keycloak or AD FS) needs the operator's {@code aicredits.sso.allow-private-issuers=true}; development and tests,
 * which run their provider on a loopback address, allow it with {@code allow-insecure-issuers} (which implies it).
 */
@Component
class ProviderAddresses {

    private final boolean allowPrivate;
    private final PublicAddresses.Resolver resolver;

    @Autowired
    ProviderAddresses(@Value("${aicredits.sso.allow-private-issuers:false}") boolean allowPrivate,
            @Value("${aicredits.sso.allow-insecure-issuers:false}") boolean allowInsecure) {
        this(allowPrivate || allowInsecure, PublicAddresses.SYSTEM);
    }

    ProviderAddresses(boolean allowPrivate, PublicAddresses.Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /**
     * Why the service may not call this URL, or empty: also when its name does not resolve now (nothing is called
     * then; a provider not reachable yet may be saved).
     */
    Optional<String> refused(URI uri) {
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            // java.net.URI has no host for a name it cannot parse (an underscore in it), which a connection still
            // resolves: refused, so that nothing unchecked is called.
            return Optional.of(uri + " has no host name this service can check");
        }
        if (allowPrivate) {
            return Optional.empty();
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            return Optional.of(uri + " is not an https URL");
        }
        return PublicAddresses.lookUp(host, resolver) instanceof PublicAddresses.Lookup.Inside(var why)
                ? Optional.of(why + ": only a provider at a public address may be used") : Optional.empty();
    }
}

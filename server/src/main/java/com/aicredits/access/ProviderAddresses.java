package com.aicredits.access;

import com.aicredits.shared.PublicAddresses;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Where the service may call a tenant's identity provider (server-side request forgery): the issuer is a tenant
 * admin's word, and any visitor can make the service fetch its discovery document (the organisation's sign-in link).
 * So its host, and the hosts of the endpoints its discovery document names (token, keys, user info), must resolve to
 * public addresses only ({@link PublicAddresses}), checked when the issuer is set and again before each discovery
 * (a name that later resolves inside, DNS rebinding). A provider inside the service's own network (an on-premises
 * Keycloak or AD FS) needs the operator's {@code aicredits.sso.allow-private-issuers=true}; development and tests,
 * which run their provider on a loopback address, allow it with {@code allow-insecure-issuers}.
 */
@Component
class ProviderAddresses {

    private final boolean allowPrivate;

    ProviderAddresses(@Value("${aicredits.sso.allow-private-issuers:false}") boolean allowPrivate,
            @Value("${aicredits.sso.allow-insecure-issuers:false}") boolean allowInsecure) {
        this.allowPrivate = allowPrivate || allowInsecure;
    }

    /**
     * Why the service may not call this URL's host, or empty: also when the name does not resolve now (nothing is
     * called then; a provider not reachable yet may be saved).
     */
    Optional<String> refused(URI uri) {
        String host = uri.getHost();
        if (allowPrivate || host == null) {
            return Optional.empty();
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            for (InetAddress address : InetAddress.getAllByName(bare)) {
                var why = PublicAddresses.notPublic(address);
                if (why.isPresent()) {
                    return Optional.of(host + " resolves to " + address.getHostAddress() + ", " + why.get()
                            + ": only a provider at a public address may be used");
                }
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}

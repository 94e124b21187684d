package com.aicredits.access;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestTemplate;

/**
 * How the service calls a tenant's identity provider: every connection checked where it goes, just before it is made
 * ({@link ProviderAddresses}: a name that resolved outside when the issuer was set may resolve inside now), and no
 * redirect followed (a public provider answering 302 to an inside address would lead the server there, and the status
 * it met would tell the admin what is inside). Used for the discovery document, the signing keys and user info; the
 * token request is a POST, which is never redirected, to the endpoint discovery checked.
 */
@Component
class ProviderHttp {

    private static final String DOCUMENT = "/.well-known/openid-configuration";

    private final RestTemplate rest;

    ProviderHttp(ProviderAddresses addresses) {
        var requests = new SimpleClientHttpRequestFactory() {
            @Override
            protected void prepareConnection(HttpURLConnection connection, String method) throws IOException {
                super.prepareConnection(connection, method);
                connection.setInstanceFollowRedirects(false);
                URI target;
                try {
                    target = connection.getURL().toURI();
                } catch (URISyntaxException e) {
                    throw new IOException("not called: " + connection.getURL() + " is not a URI", e);
                }
                var refused = addresses.refused(target);
                if (refused.isPresent()) {
                    throw new IOException("not called: " + refused.get());
                }
            }
        };
        requests.setConnectTimeout(Duration.ofSeconds(5));
        requests.setReadTimeout(Duration.ofSeconds(10));
        this.rest = new RestTemplate(requests);
        this.userInfo = new RestTemplate(requests);
        // A provider's refusal of user info read as an OAuth 2.0 error, as Spring Security's own client reads it.
        this.userInfo.setErrorHandler(new OAuth2ErrorResponseErrorHandler());
    }

    private final RestTemplate userInfo;

    /** For the provider's signing keys (and the discovery document). */
    RestTemplate rest() {
        return rest;
    }

    /** For the provider's user-info endpoint. */
    RestTemplate userInfo() {
        return userInfo;
    }

    /**
     * The provider's discovery document (OpenID Connect Discovery §4), which must name exactly this issuer (§4.3); the
     * refusal of another is worded as Spring Security's own, which {@link Undiscoverable} explains.
     */
    Map<String, Object> discovery(String issuer) {
        var answer = rest.exchange(issuer.replaceAll("/+$", "") + DOCUMENT, HttpMethod.GET, null,
                new ParameterizedTypeReference<Map<String, Object>>() { });
        if (answer.getStatusCode().is3xxRedirection()) {
            throw new Redirected(answer.getStatusCode().value());
        }
        Map<String, Object> document = answer.getBody();
        Object named = document == null ? null : document.get("issuer");
        if (!issuer.equals(named)) {
            throw new IllegalStateException("The Issuer \"" + named + "\" provided in the configuration metadata did not match"
                    + " the requested issuer \"" + issuer + "\"");
        }
        return document;
    }

    /** The provider answered its discovery document with a redirect, which is not followed. */
    static final class Redirected extends RuntimeException {
        final int status;

        Redirected(int status) {
            super("the provider answered HTTP " + status + " (a redirect, not followed)");
            this.status = status;
        }
    }
}

package com.aicredits.access;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.springframework.web.client.RestClientResponseException;

/**
 * Why a provider's discovery failed, as one sentence an IT admin can act on. The library's exceptions name the cause
 * deep in their chain (a DNS miss, a refused connection, an HTTP status, another issuer in the document); the text a
 * provider answered is left out, since it is not ours to show.
 */
final class Undiscoverable {

    private static final Pattern ANOTHER_ISSUER = Pattern.compile("^The Issuer \"(.{1,300}?)\" provided in the configuration metadata did not match");
    private static final Pattern CLIENT_ERRORS = Pattern.compile("errors: \\[(\\d{3})");
    private static final String DOCUMENT = "/.well-known/openid-configuration";

    private Undiscoverable() {
    }

    static String reason(String issuer, RuntimeException failure) {
        String where = issuer.replaceAll("/+$", "") + DOCUMENT;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String found = switch (t) {
                case UnknownHostException e -> "the name " + host(issuer) + " is not known (no DNS entry)";
                case ConnectException e -> "nothing accepts connections at " + host(issuer) + " (connection refused)";
                case SocketTimeoutException e -> "the provider did not answer in time";
                case HttpTimeoutException e -> "the provider did not answer in time";
                case SSLException e -> "no secure (TLS) connection could be made to " + host(issuer);
                case RestClientResponseException e -> "the provider answered HTTP " + e.getStatusCode().value() + " for " + where;
                case ProviderHttp.Redirected e -> "the provider answered HTTP " + e.status + " for " + where
                        + ", a redirect, which this service does not follow: enter the issuer it leads to";
                default -> null;
            };
            if (found != null) {
                return found;
            }
        }
        String message = String.valueOf(failure.getMessage());
        var another = ANOTHER_ISSUER.matcher(message);
        if (another.find()) {
            return "the discovery document at " + where + " names another issuer, " + another.group(1)
                    + ": enter exactly that issuer";
        }
        var status = CLIENT_ERRORS.matcher(message);
        if (status.find()) {
            return "no discovery document at " + where + " (HTTP " + status.group(1) + "): check the issuer";
        }
        return "the discovery document at " + where + " could not be read";
    }

    private static String host(String issuer) {
        try {
            var uri = URI.create(issuer);
            return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        } catch (IllegalArgumentException e) {
            return issuer;
        }
    }
}

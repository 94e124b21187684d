package com.aicredits.webhooks;

import com.aicredits.shared.PublicAddresses;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Which URLs a delivery may go to (server-side request forgery): public {@code https} only. The host is resolved
 * and every address it resolves to must be public ({@link PublicAddresses}). Checked when an endpoint is registered or
 * changed, and again before every attempt, so a name that later resolves to an inside address (DNS rebinding) is
 * refused then.
 * {@code aicredits.webhooks.allow-private-targets=true} permits {@code http} and every address, for development and
 * tests.
 */
@Component
class Targets {

    static final int URL_LENGTH_MAX = 2000;
    private static final Pattern LEADING_ZERO_IPV4 = Pattern.compile("[0-9.]*(^|\\.)0[0-9][0-9.]*");

    /** What a check found: a target to send to, one to refuse, or a name that does not resolve (yet). */
    sealed interface Verdict {
        record Safe(URI uri) implements Verdict {
        }

        record Unsafe(String reason) implements Verdict {
        }

        record Unresolved(URI uri, String host) implements Verdict {
        }
    }

    private final boolean allowPrivate;
    private final PublicAddresses.Resolver resolver;

    @org.springframework.beans.factory.annotation.Autowired
    Targets(@Value("${aicredits.webhooks.allow-private-targets:false}") boolean allowPrivate) {
        this(allowPrivate, PublicAddresses.SYSTEM);
    }

    Targets(boolean allowPrivate, PublicAddresses.Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    boolean allowsPrivate() {
        return allowPrivate;
    }

    /** A URL that is not even one (no scheme, no host, too long): empty when it parses as an absolute http(s) URL. */
    static Optional<String> malformed(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("url is required");
        }
        if (url.length() > URL_LENGTH_MAX) {
            return Optional.of("url has at most " + URL_LENGTH_MAX + " characters");
        }
        try {
            var uri = new URI(url);
            if (!uri.isAbsolute() || uri.getScheme() == null || uri.getRawSchemeSpecificPart().isEmpty()) {
                return Optional.of("url is an absolute URL such as https://hooks.example.com/credits");
            }
            if (uri.getPort() == 0 || uri.getPort() > 65535) {
                return Optional.of("url's port " + uri.getPort() + " is not a port: 1 to 65535");
            }
            if (uri.getHost() != null && LEADING_ZERO_IPV4.matcher(uri.getHost()).matches()) {
                // 0177.0.0.1 is 177.0.0.1 to Java and 127.0.0.1 to curl, browsers and the C library: refused, so that
                // what was checked and what a reader of the URL believes are the same address.
                return Optional.of("url's host " + uri.getHost() + " has a part with a leading zero: write the address"
                        + " in plain decimal");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("url is not a valid URL: " + e.getReason());
        }
    }

    /** The verdict on a URL that {@link #malformed} accepted. */
    Verdict check(String url) {
        URI uri = URI.create(url);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowPrivate && scheme.equals("http"))) {
            return new Verdict.Unsafe("only https URLs are permitted");
        }
        if (uri.getRawUserInfo() != null) {
            return new Verdict.Unsafe("a URL with credentials in it is not permitted");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            return new Verdict.Unsafe("the URL has no valid host name");
        }
        if (allowPrivate) {
            return new Verdict.Safe(uri);
        }
        return switch (PublicAddresses.lookUp(host, resolver)) {
            case PublicAddresses.Lookup.Public ok -> new Verdict.Safe(uri);
            case PublicAddresses.Lookup.Inside(var why) -> new Verdict.Unsafe(why + ": only public addresses are permitted");
            case PublicAddresses.Lookup.Unresolved(var name) -> new Verdict.Unresolved(uri, name);
        };
    }
}

package com.aicredits.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Which URLs a delivery may go to (server-side request forgery): public {@code https} only. The host is resolved
 * and every address it resolves to must be public: not loopback, private (10/8, 172.16/12, 192.168/16), shared
 * (100.64/10, carrier-grade NAT), link-local (169.254/16 with the cloud metadata address; fe80::/10), multicast,
 * unspecified, reserved, or their IPv6 equivalents (::1, fc00::/7 unique local, ff00::/8, and IPv4 addresses
 * embedded in IPv6: mapped, compatible, NAT64). Checked when an endpoint is registered or changed, and again before
 * every attempt, so a name that later resolves to an inside address (DNS rebinding) is refused then.
 * {@code aicredits.webhooks.allow-private-targets=true} permits {@code http} and every address, for development and
 * tests.
 */
@Component
class Targets {

    static final int URL_LENGTH_MAX = 2000;

    /** What a check found: a target to send to, one to refuse, or a name that does not resolve (yet). */
    sealed interface Verdict {
        record Safe(URI uri) implements Verdict {
        }

        record Unsafe(String reason) implements Verdict {
        }

        record Unresolved(URI uri, String host) implements Verdict {
        }
    }

    /** How host names become addresses: the JVM's resolver (and its cache, which the HTTP client shares). */
    interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final Resolver resolver;

    @org.springframework.beans.factory.annotation.Autowired
    Targets(@Value("${aicredits.webhooks.allow-private-targets:false}") boolean allowPrivate) {
        this(allowPrivate, host -> List.of(InetAddress.getAllByName(host)));
    }

    Targets(boolean allowPrivate, Resolver resolver) {
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
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            return new Verdict.Unresolved(uri, bare);
        }
        if (addresses.isEmpty()) {
            return new Verdict.Unresolved(uri, bare);
        }
        for (InetAddress address : addresses) {
            var why = notPublic(address);
            if (why.isPresent()) {
                return new Verdict.Unsafe(host + " resolves to " + address.getHostAddress() + ", " + why.get()
                        + ": only public addresses are permitted");
            }
        }
        return new Verdict.Safe(uri);
    }

    /** Why an address is not a public one; empty when it is. */
    static Optional<String> notPublic(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return Optional.of("an unspecified address");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("a loopback address");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local address");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("a private address");
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return notPublic4(b);
        }
        if (address instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return Optional.of("a unique local (private) IPv6 address");
            }
            if (first == 0xff) {
                return Optional.of("a multicast address");
            }
            if ((first == 0xfe) && ((b[1] & 0xc0) == 0x80)) {
                return Optional.of("a link-local address");
            }
            var embedded = embeddedIpv4(b);
            if (embedded.isPresent()) {
                return notPublic(embedded.get()).map(why -> why + " (embedded in IPv6)");
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return Optional.of("a documentation address");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> notPublic4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        if (a0 == 0) {
            return Optional.of("an unspecified address");
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return Optional.of("a shared (carrier-grade NAT) address");
        }
        if (a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0) {
            return Optional.of("a reserved address");
        }
        if (a0 == 198 && (a1 == 18 || a1 == 19)) {
            return Optional.of("a benchmarking address");
        }
        if (a0 >= 240) {
            return Optional.of("a reserved address");
        }
        return Optional.empty();
    }

    /** The IPv4 address inside an IPv4-mapped (::ffff:0:0/96), -compatible (::/96) or NAT64 (64:ff9b::/96) address. */
    private static Optional<InetAddress> embeddedIpv4(byte[] b) {
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= b[i] == 0;
        }
        boolean mapped = zeroPrefix && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeroPrefix && b[10] == 0 && b[11] == 0;
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        if (!mapped && !compatible && !nat64) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}

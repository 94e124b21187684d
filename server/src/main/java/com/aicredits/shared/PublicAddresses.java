package com.aicredits.shared;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses the service may call on a tenant's word (server-side request forgery: a webhook endpoint, a
 * single sign-on provider): public ones only, not loopback, private (10/8, 172.16/12, 192.168/16), shared (100.64/10,
 * carrier-grade NAT), link-local (169.254/16 with the cloud metadata address; fe80::/10), multicast, unspecified,
 * reserved, documentation (192.0.2/24, 198.51.100/24, 203.0.113/24), or their IPv6 equivalents (::1, fc00::/7 unique
 * local, ff00::/8, 2001:db8::/32, IPv4 addresses embedded in IPv6: mapped, compatible, NAT64; and the 6to4 and Teredo
 * tunnels).
 */
public final class PublicAddresses {

    private PublicAddresses() {
    }

    /** How host names become addresses: the JVM's resolver ({@link #SYSTEM}, whose cache HTTP clients share), or a test's. */
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    public static final Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /** What resolving a host found: only public addresses, one that is not (and why), or no address (yet). */
    public sealed interface Lookup {
        record Public() implements Lookup {
        }

        record Inside(String why) implements Lookup {
        }

        record Unresolved(String host) implements Lookup {
        }
    }

    /**
     * Every address {@code host} (a name, or a literal address, IPv6 in brackets or not) resolves to must be public;
     * {@link Lookup.Inside#why} says what kind the first that is not is: "db.internal resolves to a private address".
     * Not the address itself: the reason reaches a tenant admin, who would otherwise learn the inside network's names
     * and addresses one guess at a time (a review of December 5).
     */
    public static Lookup lookUp(String host, Resolver resolver) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            return new Lookup.Unresolved(bare);
        }
        if (addresses.isEmpty()) {
            return new Lookup.Unresolved(bare);
        }
        for (InetAddress address : addresses) {
            var why = notPublic(address);
            if (why.isPresent()) {
                return new Lookup.Inside(host + " resolves to " + why.get());
            }
        }
        return new Lookup.Public();
    }

    /** Why an address is not a public one; empty when it is. */
    public static Optional<String> notPublic(InetAddress address) {
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
            // Tunnels that carry an IPv4 address inside (2002:7f00:1:: is 127.0.0.1): both deprecated, neither used by
            // a real endpoint today, so refused whole rather than decoded.
            if (first == 0x20 && (b[1] & 0xff) == 0x02) {
                return Optional.of("a 6to4 tunnel address");
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0 && b[3] == 0) {
                return Optional.of("a Teredo tunnel address");
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
        int a2 = b[2] & 0xff;
        if (a0 == 192 && a1 == 0 && a2 == 2 || a0 == 198 && a1 == 51 && a2 == 100 || a0 == 203 && a1 == 0 && a2 == 113) {
            return Optional.of("a documentation address");
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

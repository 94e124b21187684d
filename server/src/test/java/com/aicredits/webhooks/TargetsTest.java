package com.aicredits.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Server-side request forgery: every class of non-public target is refused, by address and by what a name resolves to. */
class TargetsTest {

    private final Targets strict = new Targets(false);

    @ParameterizedTest
    @ValueSource(strings = {
            "https://127.0.0.1/hook", "https://127.8.9.10/hook", "https://[::1]/hook",            // loopback
            "https://10.1.2.3/hook", "https://172.16.0.1/hook", "https://172.31.255.255/hook",   // private
            "https://192.168.1.1/hook", "https://100.64.0.1/hook", "https://100.127.255.254/hook", // private, CGNAT
            "https://169.254.169.254/latest/meta-data", "https://[fe80::1]/hook",                // link-local, metadata
            "https://224.0.0.1/hook", "https://[ff02::1]/hook",                                   // multicast
            "https://0.0.0.0/hook", "https://[::]/hook",                                          // unspecified
            "https://[fc00::1]/hook", "https://[fd12:3456::1]/hook",                              // IPv6 unique local
            "https://[::ffff:127.0.0.1]/hook", "https://[::ffff:10.0.0.1]/hook",                  // IPv4-mapped
            "https://[::ffff:169.254.169.254]/hook", "https://[64:ff9b::a00:1]/hook",             // mapped, NAT64
            "https://240.0.0.1/hook", "https://255.255.255.255/hook",                             // reserved, broadcast
            "https://192.0.2.2/", "https://198.51.100.7/", "https://203.0.113.7/",                 // documentation
            "https://[2002:7f00:1::]/", "https://[2001::7f00:1]/",                                  // 6to4, Teredo
            "https://localhost/hook", "https://localhost:8443/hook", "https://LocalHost/hook"    // names resolving to loopback
    })
    void a_target_that_is_not_public_is_refused(String url) {
        assertThat(Targets.malformed(url)).isEmpty();
        assertThat(strict.check(url)).as(url).isInstanceOf(Targets.Verdict.Unsafe.class);
    }

    @Test
    void a_name_this_machine_resolves_to_loopback_is_refused_saying_what_kind_not_which_address() {
        var verdict = strict.check("https://localhost/hook");
        assertThat(((Targets.Verdict.Unsafe) verdict).reason())
                .isEqualTo("localhost resolves to a loopback address: only public addresses are permitted");
    }

    @Test
    void a_name_resolving_to_a_private_address_is_refused_even_when_its_other_addresses_are_public() throws Exception {
        // a resolver standing in for DNS that answers one public and one private address for the name
        var targets = new Targets(false, host -> List.of(InetAddress.getByName("93.184.215.14"), InetAddress.getByName("10.0.0.7")));
        assertThat(targets.check("https://rebinding.example/hook")).isInstanceOf(Targets.Verdict.Unsafe.class);
        var publicOnly = new Targets(false, host -> List.of(InetAddress.getByName("93.184.215.14")));
        assertThat(publicOnly.check("https://hooks.example/hook")).isInstanceOf(Targets.Verdict.Safe.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://93.184.215.14/hook", "ftp://93.184.215.14/hook", "https://user:pw@93.184.215.14/hook",
            "file:///etc/passwd", "gopher://93.184.215.14/"})
    void only_https_without_credentials_is_permitted(String url) {
        assertThat(Targets.malformed(url)).isEmpty();
        assertThat(strict.check(url)).as(url).isInstanceOf(Targets.Verdict.Unsafe.class);
    }

    @Test
    void a_public_https_address_is_permitted() {
        assertThat(strict.check("https://93.184.215.14:8443/hooks?x=1")).isInstanceOf(Targets.Verdict.Safe.class);
        assertThat(strict.check("https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook")).isInstanceOf(Targets.Verdict.Safe.class);
    }

    @Test
    void a_name_that_does_not_resolve_is_left_for_the_delivery_to_check() {
        assertThat(strict.check("https://hooks.example.invalid/credits")).isInstanceOf(Targets.Verdict.Unresolved.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "hooks.example.com/credits", "https://exa mple.com/", "/relative", "https:",
            "https://example.com:99999/", "https://example.com:65536/", "https://example.com:0/", "https://0177.0.0.1/",
            "https://10.0.0.010/"})
    void what_is_not_an_absolute_url_is_malformed(String url) {
        assertThat(Targets.malformed(url)).as(url).isPresent();
    }

    @Test
    void allowing_private_targets_permits_http_and_loopback_for_development() {
        var open = new Targets(true);
        assertThat(open.check("http://127.0.0.1:8080/hook")).isInstanceOf(Targets.Verdict.Safe.class);
        assertThat(open.check("https://localhost/hook")).isInstanceOf(Targets.Verdict.Safe.class);
        assertThat(open.check("ftp://127.0.0.1/hook")).isInstanceOf(Targets.Verdict.Unsafe.class);
    }
}

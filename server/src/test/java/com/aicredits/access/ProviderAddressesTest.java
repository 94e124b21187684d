package com.aicredits.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * A tenant admin's issuer is called by the server, also for visitors who only open the organisation's sign-in link: a
 * probe on December 5 pointed it at a listener on the service's own loopback and the service opened connections to
 * it. Literal addresses here, so that no test depends on a resolver.
 */
class ProviderAddressesTest {

    private final ProviderAddresses publicOnly = new ProviderAddresses(false, false);

    @Test
    void an_issuer_inside_the_service_s_network_is_refused_with_where_it_resolved() {
        assertThat(publicOnly.refused(URI.create("https://127.0.0.1:18555/realms/acme")))
                .hasValue("127.0.0.1 resolves to a loopback address: only a provider at a public address may be used");
        assertThat(publicOnly.refused(URI.create("https://169.254.169.254/latest/meta-data"))).get().asString()
                .contains("a link-local address");
        assertThat(publicOnly.refused(URI.create("https://10.0.0.1/"))).get().asString().contains("a private address");
        assertThat(publicOnly.refused(URI.create("https://[::1]/"))).get().asString().contains("a loopback address");
        assertThat(publicOnly.refused(URI.create("https://[::ffff:192.168.1.1]/"))).get().asString()
                .contains("a private address");
    }

    @Test
    void a_public_address_or_a_name_that_does_not_resolve_yet_may_be_used() {
        assertThat(publicOnly.refused(URI.create("https://8.8.8.8/"))).isEmpty();
        var unknown = new ProviderAddresses(false, host -> {
            throw new java.net.UnknownHostException(host);
        });
        assertThat(unknown.refused(URI.create("https://login.nobody-here.example/tenant"))).isEmpty();
        var inside = new ProviderAddresses(false, host -> java.util.List.of(java.net.InetAddress.getByName("10.0.0.7")));
        assertThat(inside.refused(URI.create("https://login.acme.example/tenant"))).hasValue(
                "login.acme.example resolves to a private address: only a provider at a public address may be used");
    }

    /** A review of December 5: java.net.URI has no host for a name with an underscore, which a connection resolves. */
    @Test
    void a_url_whose_host_cannot_be_checked_or_that_is_not_https_is_refused() {
        assertThat(publicOnly.refused(URI.create("https://a_b.example.com/keys"))).isPresent();
        assertThat(new ProviderAddresses(true, false).refused(URI.create("https://a_b.example.com/keys"))).isPresent();
        assertThat(publicOnly.refused(URI.create("http://8.8.8.8/keys"))).hasValue("http://8.8.8.8/keys is not an https URL");
    }

    @Test
    void the_operator_may_allow_a_provider_inside_their_network_and_development_allows_it_with_insecure_issuers() {
        assertThat(new ProviderAddresses(true, false).refused(URI.create("https://10.0.0.1/"))).isEmpty();
        assertThat(new ProviderAddresses(false, true).refused(URI.create("https://127.0.0.1/"))).isEmpty();
    }
}

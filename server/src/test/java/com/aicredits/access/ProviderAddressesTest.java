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
                .hasValue("127.0.0.1 resolves to 127.0.0.1, a loopback address: only a provider at a public address may be used");
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
        assertThat(publicOnly.refused(URI.create("https://login.nobody-here.invalid/tenant"))).isEmpty();
    }

    @Test
    void the_operator_may_allow_a_provider_inside_their_network_and_development_allows_it_with_insecure_issuers() {
        assertThat(new ProviderAddresses(true, false).refused(URI.create("https://10.0.0.1/"))).isEmpty();
        assertThat(new ProviderAddresses(false, true).refused(URI.create("https://127.0.0.1/"))).isEmpty();
    }
}

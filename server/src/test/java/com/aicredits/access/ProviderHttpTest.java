package com.aicredits.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service's calls to an identity provider, against a real HTTP server on loopback: a redirect is not followed (a
 * review of December 5: Spring Security's discovery client followed a public provider's 302 anywhere), and an address
 * the rules refuse is refused when the connection is made, not only when the issuer was set.
 */
class ProviderHttpTest {

    private HttpServer server;
    private final AtomicInteger insideVisits = new AtomicInteger();
    private String base;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/redirecting/.well-known/openid-configuration", exchange -> {
            exchange.getResponseHeaders().add("Location", base + "/inside");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/inside", exchange -> {
            insideVisits.incrementAndGet();
            byte[] body = "{\"issuer\":\"x\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/honest/.well-known/openid-configuration", exchange -> {
            byte[] body = ("{\"issuer\":\"" + base + "/honest\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void a_redirect_is_not_followed() {
        var http = new ProviderHttp(new ProviderAddresses(true, false)); // loopback allowed, as in development
        assertThatThrownBy(() -> http.discovery(base + "/redirecting")).isInstanceOf(ProviderHttp.Redirected.class)
                .satisfies(e -> assertThat(Undiscoverable.reason(base + "/redirecting", (RuntimeException) e)).isEqualTo(
                        "the provider answered HTTP 302 for " + base + "/redirecting/.well-known/openid-configuration, a redirect,"
                                + " which this service does not follow: enter the issuer it leads to"));
        assertThat(insideVisits).hasValue(0);
        assertThat(http.discovery(base + "/honest")).containsEntry("issuer", base + "/honest");
    }

    @Test
    void an_address_the_rules_refuse_is_refused_when_the_connection_is_made() {
        var http = new ProviderHttp(new ProviderAddresses(false, false));
        assertThatThrownBy(() -> http.discovery(base + "/honest")).hasMessageContaining("not called")
                .hasMessageContaining("is not an https URL");
        assertThatThrownBy(() -> http.rest().getForObject(base.replace("http:", "https:") + "/inside", String.class))
                .hasMessageContaining("not called").hasMessageContaining("a loopback address");
        assertThat(insideVisits).hasValue(0);
    }
}

package com.aicredits.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

/**
 * The reason an admin reads when their provider cannot be discovered, from the exceptions Spring Security's
 * {@code ClientRegistrations.fromIssuerLocation} throws (shaped as it wraps them: the cause inside "Unable to resolve
 * Configuration with the provided Issuer"). The provider's own answer text never reaches the reason.
 */
class UndiscoverableTest {

    private static IllegalArgumentException unresolved(String issuer, Throwable cause) {
        return new IllegalArgumentException("Unable to resolve Configuration with the provided Issuer of \"" + issuer + "\"", cause);
    }

    @Test
    void a_name_without_a_dns_entry_and_a_port_where_nothing_listens_are_named() {
        assertThat(Undiscoverable.reason("https://sso.example.invalid/t", unresolved("https://sso.example.invalid/t",
                new ResourceAccessException("I/O error", new UnknownHostException("sso.example.invalid")))))
                .isEqualTo("the name sso.example.invalid is not known (no DNS entry)");
        assertThat(Undiscoverable.reason("http://127.0.0.1:9", unresolved("http://127.0.0.1:9",
                new ResourceAccessException("I/O error", new ConnectException("Connection refused")))))
                .isEqualTo("nothing accepts connections at 127.0.0.1:9 (connection refused)");
    }

    @Test
    void a_document_missing_or_naming_another_issuer_says_so_without_the_providers_text() {
        var missing = new IllegalArgumentException("Unable to resolve Configuration with the provided Issuer of "
                + "\"https://login.example.com/t\", errors: [404 Not Found: \"<html>internal page</html>\", 404 Not Found: \"\"]");
        assertThat(Undiscoverable.reason("https://login.example.com/t/", missing)).isEqualTo(
                "no discovery document at https://login.example.com/t/.well-known/openid-configuration (HTTP 404): check the issuer");
        var another = new IllegalStateException("The Issuer \"https://login.example.com/t/v2.0\" provided in the configuration "
                + "metadata did not match the requested issuer \"https://login.example.com/t\"");
        assertThat(Undiscoverable.reason("https://login.example.com/t", another)).isEqualTo("the discovery document at "
                + "https://login.example.com/t/.well-known/openid-configuration names another issuer, "
                + "https://login.example.com/t/v2.0: enter exactly that issuer");
        var failing = unresolved("https://login.example.com", HttpServerErrorException.create(HttpStatus.SERVICE_UNAVAILABLE,
                "Service Unavailable", null, "<html>stack trace</html>".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        assertThat(Undiscoverable.reason("https://login.example.com", failing)).isEqualTo(
                "the provider answered HTTP 503 for https://login.example.com/.well-known/openid-configuration");
        assertThat(Undiscoverable.reason("https://login.example.com", new IllegalArgumentException("anything else")))
                .isEqualTo("the discovery document at https://login.example.com/.well-known/openid-configuration could not be read");
    }
}

package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import java.util.Map;
import java.util.UUID;

/** A fresh tenant made through the API, with an admin key, a consume key, and users to sign in as. */
final class HttpFixture {

    static final String PLATFORM_KEY = "test-platform-key";
    static final String PASSWORD = "correct horse battery";

    final int port;
    final ApiClient platform;
    final String tenant;
    final String adminKeyText;
    final String consumeKeyText;
    final String base;

    HttpFixture(int port) {
        this.port = port;
        this.platform = ApiClient.bearer(port, PLATFORM_KEY);
        var created = platform.post("/api/v1/tenants", Map.of("name", "Tenant " + UUID.randomUUID()));
        assertThat(created.status()).isEqualTo(201);
        this.tenant = created.json().get("id").asString();
        this.base = "/api/v1/tenants/" + tenant;
        this.adminKeyText = key("admin");
        this.consumeKeyText = key("consume");
    }

    String key(String scope) {
        return issue(scope).key();
    }

    record Issued(String id, String key) {
    }

    Issued issue(String scope) {
        var issued = platform.post(base + "/api-keys", Map.of("scope", scope, "name", scope + "-" + UUID.randomUUID()));
        assertThat(issued.status()).isEqualTo(201);
        return new Issued(issued.json().get("id").asString(), issued.json().get("key").asString());
    }

    ApiClient admin() {
        return ApiClient.bearer(port, adminKeyText);
    }

    ApiClient consumer() {
        return ApiClient.bearer(port, consumeKeyText);
    }

    /** Registers a user (with a password, so they can sign in) and returns the id. */
    String user(String name, String role) {
        var registered = platform.post(base + "/users", Map.of("name", name, "email", email(name), "role", role,
                "password", PASSWORD));
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        return registered.json().get("id").asString();
    }

    String email(String name) {
        return name.toLowerCase().replace(' ', '.') + "@" + tenant.substring(0, 8) + ".example";
    }

    ApiClient session(String name) {
        return ApiClient.session(port, email(name), PASSWORD);
    }

    void purchase(String credits) {
        assertThat(platform.post(base + "/purchases", Map.of("credits", new java.math.BigDecimal(credits),
                "reference", "PO-" + UUID.randomUUID()), UUID.randomUUID().toString()).status()).isEqualTo(201);
    }

    void assign(String user, String credits) {
        var response = platform.post(base + "/credits/users/" + user + "/assign",
                Map.of("credits", new java.math.BigDecimal(credits)), UUID.randomUUID().toString());
        assertThat(response.status()).as(response.text()).isEqualTo(200);
    }
}

package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** A tenant with named keys (the actor of a key is "key:" and its name) and signed-in people. */
final class KeyedTenant {
    final HttpFixture t;
    final String adminKeyName = "audit-admin-" + UUID.randomUUID();
    final String consumeKeyName = "audit-consume-" + UUID.randomUUID();
    final ApiClient admin;
    final ApiClient consumer;

    KeyedTenant(int port) {
        t = new HttpFixture(port);
        admin = ApiClient.bearer(port, issue("admin", adminKeyName).get("key").asString());
        consumer = ApiClient.bearer(port, issue("consume", consumeKeyName).get("key").asString());
    }

    JsonNode issue(String scope, String name) {
        var issued = t.platform.post(t.base + "/api-keys", Map.of("scope", scope, "name", name));
        assertThat(issued.status()).as(issued.text()).isEqualTo(201);
        return issued.json();
    }

    String user(String role) {
        String name = role + " " + UUID.randomUUID().toString().substring(0, 8);
        var response = t.platform.post(t.base + "/users", Map.of("name", name, "email", t.email(name), "role", role));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json().get("id").asString();
    }
}

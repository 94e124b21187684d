package com.aicredits.http;

import static com.aicredits.http.BadInputCases.ADMIN;
import static com.aicredits.http.BadInputCases.CONSUME;
import static com.aicredits.http.BadInputCases.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The well-formed parts the bad cases vary: two tenants, their users, requests, keys and webhooks, built once per test class. */
final class BadInputWorld {
    final HttpFixture t;
    final HttpFixture other;
    final String ada;
    final String bob;
    final String eve;
    // Cara and Dan are only for the business refusals, so a bad case that slips through (and changes Ada or
    // Bob) cannot make those fail too.
    final String cara;
    final String dan;
    String authorized;
    String settled;
    String voided;
    String keyId;
    String otherKeyId;
    String webhook;
    String otherWebhook;
    String delivery;

    BadInputWorld(int port) {
        t = new HttpFixture(port);
        other = new HttpFixture(port);
        ada = register(t, "Ada Funded", "Planner");
        bob = register(t, "Bob Unfunded", "Viewer");
        eve = register(other, "Eve Other", "Planner");
        cara = register(t, "Cara Unfunded", "Planner");
        dan = register(t, "Dan Funded", "Planner");
        t.purchase("1000");
        t.assign(ada, "100");
        t.assign(dan, "10");
        other.purchase("500");
        other.assign(eve, "50");
        authorized = consume("authorize", Map.of("userId", ada, "feature", "canvas", "estimate", 3), 201);
        settled = consume("charge", Map.of("userId", ada, "feature", "canvas", "cost", 2), 201);
        voided = consume("authorize", Map.of("userId", ada, "feature", "canvas"), 201);
        assertThat(t.consumer().post(t.base + "/consumption/" + voided + "/void", null).status()).isEqualTo(200);
        keyId = t.issue("consume").id();
        otherKeyId = other.issue("consume").id();
        webhook = disabledWebhook(t);
        otherWebhook = disabledWebhook(other);
        var test = t.platform.post(t.base + "/webhooks/" + webhook + "/test", null);
        assertThat(test.status()).as(test.text()).isEqualTo(202);
        delivery = test.json().get("deliveryId").asString();
    }

    /** Disabled: no delivery attempt changes it while the cases run. */
    private static String disabledWebhook(HttpFixture f) {
        var created = f.platform.post(f.base + "/webhooks", Map.of("url", "https://hooks.example.invalid/bad-input",
                "events", List.of("*")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(f.platform.patch(f.base + "/webhooks/" + id, Map.of("enabled", false)).status()).isEqualTo(200);
        return id;
    }

    /** Without a password: nobody signs in here, and hashing one costs a noticeable fraction of a second. */
    private static String register(HttpFixture f, String name, String role) {
        var response = f.platform.post(f.base + "/users", Map.of("name", name, "email", f.email(name), "role", role));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    private String consume(String call, Map<String, Object> body, int status) {
        String request = "r-" + UUID.randomUUID();
        var withId = new LinkedHashMap<String, Object>(body);
        withId.put("requestId", request);
        var response = t.consumer().post(t.base + "/consumption/" + call, withId);
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        return request;
    }

    ApiClient client(String caller) {
        return switch (caller) {
            case PLATFORM -> t.platform;
            case ADMIN -> t.admin();
            case CONSUME -> t.consumer();
            default -> throw new IllegalArgumentException(caller);
        };
    }
}

package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ledger.Ledger;
import com.aicredits.shared.TenantId;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * What the idempotency tests share ({@link IdempotencyReplayTest}, {@link IdempotencyRememberedTest},
 * {@link ConsumptionIdempotencyTest}): a fresh tenant per test with credits to move, and the figures they compare
 * before and after a repeated call. Subclasses carry {@code @TestApplication}, so all of them run in the one cached
 * application context.
 */
abstract class IdempotencyContext {

    static final String REPLAYED = "Idempotent-Replayed";

    @LocalServerPort int port;
    @Autowired Ledger ledger;

    /** A tenant with 1000 credits bought and an admin, plus users to hand credits to. */
    HttpFixture tenant() {
        var t = new HttpFixture(port);
        t.purchase("1000");
        return t;
    }

    static String user(HttpFixture t) {
        String name = "U " + UUID.randomUUID().toString().substring(0, 8);
        var response = t.platform.post(t.base + "/users", Map.of("name", name, "email", t.email(name), "role", "Planner"));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    static String funded(HttpFixture t, String credits) {
        String user = user(t);
        t.assign(user, credits);
        return user;
    }

    static long entries(HttpFixture t, String type) {
        var response = t.platform.get(t.base + "/credits/entries?type=" + type + "&size=1");
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json().get("total").asLong();
    }

    static JsonNode summary(HttpFixture t) {
        return t.platform.get(t.base + "/credits/summary").json();
    }

    void noDrift(HttpFixture t) {
        assertThat(ledger.reconcile(TenantId.of(t.tenant)).drifts()).isEmpty();
    }
}

package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.TestClock;
import com.aicredits.Together;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Consumption calls over HTTP are idempotent on their requestId, not on an Idempotency-Key: a repeated authorize,
 * settle, charge or void answers the first outcome and acts once (50 charges at once with one requestId consume
 * once), and {@code GET /consumption/{requestId}} tells where a request stands in each of its states.
 */
@TestApplication
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConsumptionIdempotencyTest extends IdempotencyContext {

    @Autowired TestClock clock;

    private static JsonNode balance(HttpFixture t, String user) {
        return t.consumer().get(t.base + "/users/" + user + "/balance").json();
    }

    private static JsonNode state(HttpFixture t, String request) {
        var response = t.consumer().get(t.base + "/consumption/" + request);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    @Test
    void fifty_concurrent_charges_with_one_request_id_consume_once() throws Exception {
        var t = tenant();
        String user = funded(t, "100");
        String request = "race-" + UUID.randomUUID();
        var responses = Together.run(50, i -> t.consumer().post(t.base + "/consumption/charge",
                Map.of("requestId", request, "userId", user, "feature", "canvas", "cost", 7)));
        assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.text()).isEqualTo(201));
        assertThat(responses.stream().filter(r -> !r.header(REPLAYED).equals("true")).count()).isEqualTo(1);
        assertThat(responses).allSatisfy(r -> assertThat(r.json()).isEqualTo(responses.getFirst().json()));
        assertThat(balance(t, user).get("consumed").decimalValue()).isEqualByComparingTo("7");
        assertThat(entries(t, "CHARGE")).isEqualTo(1);
        noDrift(t);
    }

    @Test
    void repeating_authorize_settle_charge_and_void_returns_the_first_outcome_and_charges_once() {
        var t = tenant();
        var canvas = t.consumer();
        String user = funded(t, "100");
        String consumption = t.base + "/consumption";

        // authorize, twice
        String q = "q-" + UUID.randomUUID();
        Map<String, Object> authorizeBody = Map.of("requestId", q, "userId", user, "feature", "canvas", "estimate", 8);
        var authorized = canvas.post(consumption + "/authorize", authorizeBody);
        assertThat(authorized.status()).as(authorized.text()).isEqualTo(201);
        assertThat(authorized.header(REPLAYED)).isEmpty();
        var reauthorized = canvas.post(consumption + "/authorize", authorizeBody);
        assertThat(reauthorized.status()).isEqualTo(201);
        assertThat(reauthorized.header(REPLAYED)).isEqualTo("true");
        assertThat(reauthorized.json()).isEqualTo(authorized.json());
        assertThat(balance(t, user).get("held").decimalValue()).isEqualByComparingTo("8");
        assertThat(entries(t, "AUTHORIZE")).isEqualTo(1);

        // settle, twice (the second even with another cost): the first outcome, consumed once
        var settled = canvas.post(consumption + "/" + q + "/settle", Map.of("cost", 6));
        assertThat(settled.status()).as(settled.text()).isEqualTo(200);
        assertThat(settled.header(REPLAYED)).isEmpty();
        assertThat(settled.json().get("remaining").decimalValue()).isEqualByComparingTo("94");
        for (int cost : new int[] {6, 60}) {
            var resettled = canvas.post(consumption + "/" + q + "/settle", Map.of("cost", cost));
            assertThat(resettled.status()).as(resettled.text()).isEqualTo(200);
            assertThat(resettled.header(REPLAYED)).isEqualTo("true");
            assertThat(resettled.json()).isEqualTo(settled.json());
        }
        // authorize again after the settle: still the first authorization, not a new hold
        var lateAuthorize = canvas.post(consumption + "/authorize", authorizeBody);
        assertThat(lateAuthorize.header(REPLAYED)).isEqualTo("true");
        assertThat(lateAuthorize.json()).isEqualTo(authorized.json());
        var afterSettle = balance(t, user);
        assertThat(afterSettle.get("consumed").decimalValue()).isEqualByComparingTo("6");
        assertThat(afterSettle.get("held").decimalValue()).isEqualByComparingTo("0");
        assertThat(entries(t, "SETTLE")).isEqualTo(1);

        // charge, twice
        String c = "c-" + UUID.randomUUID();
        Map<String, Object> chargeBody = Map.of("requestId", c, "userId", user, "feature", "canvas", "cost", 4);
        var charged = canvas.post(consumption + "/charge", chargeBody);
        assertThat(charged.status()).as(charged.text()).isEqualTo(201);
        assertThat(charged.header(REPLAYED)).isEmpty();
        var recharged = canvas.post(consumption + "/charge", chargeBody);
        assertThat(recharged.status()).isEqualTo(201);
        assertThat(recharged.header(REPLAYED)).isEqualTo("true");
        assertThat(recharged.json()).isEqualTo(charged.json());
        assertThat(balance(t, user).get("consumed").decimalValue()).isEqualByComparingTo("10");
        assertThat(entries(t, "CHARGE")).isEqualTo(1);

        // void, twice
        String v = "v-" + UUID.randomUUID();
        assertThat(canvas.post(consumption + "/authorize", Map.of("requestId", v, "userId", user, "feature", "canvas")).status())
                .isEqualTo(201);
        var voided = canvas.post(consumption + "/" + v + "/void", null);
        assertThat(voided.status()).as(voided.text()).isEqualTo(200);
        assertThat(voided.header(REPLAYED)).isEmpty();
        var revoided = canvas.post(consumption + "/" + v + "/void", null);
        assertThat(revoided.status()).isEqualTo(200);
        assertThat(revoided.header(REPLAYED)).isEqualTo("true");
        assertThat(revoided.json()).isEqualTo(voided.json());
        assertThat(entries(t, "VOID")).isEqualTo(1);

        var end = balance(t, user);
        assertThat(end.get("consumed").decimalValue()).isEqualByComparingTo("10");
        assertThat(end.get("held").decimalValue()).isEqualByComparingTo("0");
        assertThat(end.get("remaining").decimalValue()).isEqualByComparingTo("90");
        noDrift(t);
    }

    @Test
    void the_state_of_a_request_resolves_authorized_settled_voided_and_expired() {
        var t = tenant();
        var canvas = t.consumer();
        String user = funded(t, "100");
        String consumption = t.base + "/consumption";
        String authorized = "a-" + UUID.randomUUID();
        String settled = "s-" + UUID.randomUUID();
        String voided = "v-" + UUID.randomUUID();
        String expired = "e-" + UUID.randomUUID();
        String charged = "c-" + UUID.randomUUID();
        for (String request : List.of(authorized, settled, voided)) {
            assertThat(canvas.post(consumption + "/authorize", Map.of("requestId", request, "userId", user, "feature", "canvas",
                    "estimate", 3)).status()).isEqualTo(201);
        }
        assertThat(canvas.post(consumption + "/" + settled + "/settle", Map.of("cost", 2)).status()).isEqualTo(200);
        assertThat(canvas.post(consumption + "/" + voided + "/void", null).status()).isEqualTo(200);
        assertThat(canvas.post(consumption + "/charge", Map.of("requestId", charged, "userId", user, "feature", "canvas",
                "cost", 1.5)).status()).isEqualTo(201);

        var a = state(t, authorized);
        assertThat(a.get("status").asString()).isEqualTo("AUTHORIZED");
        assertThat(a.get("userId").asString()).isEqualTo(user);
        assertThat(a.get("held").decimalValue()).isEqualByComparingTo("3");
        assertThat(a.get("finishedAt").isNull()).isTrue();
        var s = state(t, settled);
        assertThat(s.get("status").asString()).isEqualTo("SETTLED");
        assertThat(s.get("cost").decimalValue()).isEqualByComparingTo("2");
        var v = state(t, voided);
        assertThat(v.get("status").asString()).isEqualTo("VOIDED");
        assertThat(v.get("cost").isNull()).isTrue();
        var c = state(t, charged);
        assertThat(c.get("status").asString()).isEqualTo("SETTLED");
        assertThat(c.get("cost").decimalValue()).isEqualByComparingTo("1.5");

        // A hold past its time-to-live (15 minutes) is released by the sweeper: the request reads EXPIRED.
        clock.advance(Duration.ofMinutes(16));
        assertThat(ledger.expireHolds()).isGreaterThanOrEqualTo(1);
        var e = state(t, authorized);
        assertThat(e.get("status").asString()).isEqualTo("EXPIRED");
        assertThat(balance(t, user).get("held").decimalValue()).isEqualByComparingTo("0");
        assertThat(entries(t, "EXPIRE")).isEqualTo(1);

        // A late settle still records the cost, once; the request then reads SETTLED.
        var late = canvas.post(consumption + "/" + authorized + "/settle", Map.of("cost", 4));
        assertThat(late.status()).as(late.text()).isEqualTo(200);
        var lateAgain = canvas.post(consumption + "/" + authorized + "/settle", Map.of("cost", 4));
        assertThat(lateAgain.header(REPLAYED)).isEqualTo("true");
        assertThat(state(t, authorized).get("status").asString()).isEqualTo("SETTLED");
        assertThat(balance(t, user).get("consumed").decimalValue()).isEqualByComparingTo("7.5"); // 2 + 1.5 + 4

        // An expired request that is never settled stays EXPIRED, and an unknown one is 404.
        assertThat(canvas.post(consumption + "/authorize", Map.of("requestId", expired, "userId", user, "feature", "canvas"))
                .status()).isEqualTo(201);
        clock.advance(Duration.ofMinutes(16));
        ledger.expireHolds();
        assertThat(state(t, expired).get("status").asString()).isEqualTo("EXPIRED");
        var unknown = canvas.get(consumption + "/never-" + UUID.randomUUID());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("NOT_FOUND");
        noDrift(t);
    }
}

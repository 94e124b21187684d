package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.aicredits.ApiClient.Response;
import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import com.aicredits.TestClock;
import com.aicredits.Together;
import com.aicredits.ledger.Ledger;
import com.aicredits.shared.TenantId;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Idempotency over HTTP. Admin and platform POSTs carry an Idempotency-Key: the same key and body replay
 * the first response (with {@code Idempotent-Replayed: true}) and act once; the same key with another body
 * is 422; keys belong to a tenant; refused validation is not remembered, business refusals are; and 50
 * concurrent requests with one key act exactly once. Consumption calls are idempotent on their requestId,
 * and {@code GET /consumption/{requestId}} tells where a request stands in each of its states.
 */
@TestApplication
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IdempotencyTest {

    private static final String REPLAYED = "Idempotent-Replayed";

    @LocalServerPort int port;
    @Autowired Ledger ledger;
    @Autowired TestClock clock;
    @Autowired JdbcClient jdbc;

    /** A tenant with 1000 credits bought and an admin, plus users to hand credits to. */
    private HttpFixture tenant() {
        var t = new HttpFixture(port);
        t.purchase("1000");
        return t;
    }

    private static String user(HttpFixture t) {
        String name = "U " + UUID.randomUUID().toString().substring(0, 8);
        var response = t.platform.post(t.base + "/users", Map.of("name", name, "email", t.email(name), "role", "Planner"));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    private static String funded(HttpFixture t, String credits) {
        String user = user(t);
        t.assign(user, credits);
        return user;
    }

    /** One keyed operation of API.md, on fresh state of its tenant; {@code credits} varies the body. */
    private record Operation(String name, int status, String entryType, Function<HttpFixture, Target> prepare) {
    }

    private record Target(ApiClient client, String path, Function<Integer, Map<String, Object>> body) {
        Response send(int credits, String key) {
            return client.send("POST", path, body.apply(credits), Map.of("Idempotency-Key", key));
        }
    }

    private static List<Operation> operations() {
        return List.of(
                new Operation("purchase", 201, "PURCHASE", t -> new Target(t.platform, t.base + "/purchases",
                        credits -> Map.of("credits", credits, "reference", "PO-7", "note", "retried"))),
                new Operation("assign", 200, "ASSIGN", t -> new Target(t.admin(),
                        t.base + "/credits/users/" + user(t) + "/assign", credits -> Map.of("credits", credits, "note", "n"))),
                new Operation("add", 200, "ADD", t -> new Target(t.admin(),
                        t.base + "/credits/users/" + funded(t, "50") + "/add", credits -> Map.of("credits", credits))),
                new Operation("remove", 200, "REMOVE", t -> new Target(t.admin(),
                        t.base + "/credits/users/" + funded(t, "50") + "/remove", credits -> Map.of("credits", credits))));
    }

    private static long entries(HttpFixture t, String type) {
        var response = t.platform.get(t.base + "/credits/entries?type=" + type + "&size=1");
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json().get("total").asLong();
    }

    private static JsonNode summary(HttpFixture t) {
        return t.platform.get(t.base + "/credits/summary").json();
    }

    private void noDrift(HttpFixture t) {
        assertThat(ledger.reconcile(TenantId.of(t.tenant)).drifts()).isEmpty();
    }

    // ------------------------------------------------------------------ replay, reuse, scope

    @TestFactory
    Stream<DynamicTest> the_same_key_and_body_replay_the_first_response_and_act_once() {
        return operations().stream().map(op -> dynamicTest(op.name(), () -> {
            var t = tenant();
            var target = op.prepare().apply(t);
            long entriesBefore = entries(t, op.entryType());
            String key = "k-" + UUID.randomUUID();

            var first = target.send(10, key);
            assertThat(first.status()).as(first.text()).isEqualTo(op.status());
            assertThat(first.header(REPLAYED)).as("a first response is no replay").isEmpty();
            var summaryAfterFirst = summary(t);

            var again = target.send(10, key);
            assertThat(again.status()).as(again.text()).isEqualTo(op.status());
            assertThat(again.header(REPLAYED)).isEqualTo("true");
            assertThat(again.header("Content-Type")).startsWith("application/json");
            assertThat(again.json()).as(op.name() + " replay").isEqualTo(first.json());
            assertThat(summary(t)).isEqualTo(summaryAfterFirst);
            assertThat(entries(t, op.entryType()) - entriesBefore).as(op.name() + " entries").isEqualTo(1);

            // Later changes do not alter what the key answers: it is the first response, not the current state.
            t.purchase("5");
            long entriesLater = entries(t, op.entryType());
            var later = target.send(10, key);
            assertThat(later.header(REPLAYED)).isEqualTo("true");
            assertThat(later.json()).isEqualTo(first.json());
            assertThat(entries(t, op.entryType())).isEqualTo(entriesLater);
            noDrift(t);
        }));
    }

    @TestFactory
    Stream<DynamicTest> the_same_key_with_another_body_is_refused_as_reused_and_changes_nothing() {
        return operations().stream().map(op -> dynamicTest(op.name(), () -> {
            var t = tenant();
            var target = op.prepare().apply(t);
            String key = "k-" + UUID.randomUUID();
            var first = target.send(10, key);
            assertThat(first.status()).as(first.text()).isEqualTo(op.status());
            var before = TenantState.of(t);

            var otherAmount = target.send(11, key);
            assertThat(otherAmount.status()).as(otherAmount.text()).isEqualTo(422);
            assertThat(otherAmount.code()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
            assertThat(otherAmount.header("Content-Type")).startsWith("application/problem+json");
            TenantState.of(t).assertUnchangedSince(before, ledger, t.tenant, op.name() + " with another amount");
            // The same key on another path (another user; for a purchase, an assign) is another request too.
            var otherTarget = (op.name().equals("purchase") ? operations().get(1) : op).prepare().apply(t);
            before = TenantState.of(t);
            var otherPath = otherTarget.send(10, key);
            assertThat(otherPath.status()).as(otherPath.text()).isEqualTo(422);
            assertThat(otherPath.code()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
            TenantState.of(t).assertUnchangedSince(before, ledger, t.tenant, op.name() + "'s key on another path");

            // And the key still replays its own request.
            var replay = target.send(10, key);
            assertThat(replay.header(REPLAYED)).isEqualTo("true");
            assertThat(replay.json()).isEqualTo(first.json());
        }));
    }

    @Test
    void a_key_belongs_to_its_tenant_so_the_same_key_in_two_tenants_acts_once_in_each() {
        var a = tenant();
        var b = tenant();
        String key = "shared-" + UUID.randomUUID();
        for (var t : List.of(a, b)) {
            var purchased = t.platform.post(t.base + "/purchases", Map.of("credits", 7, "reference", "PO-shared"), key);
            assertThat(purchased.status()).as(purchased.text()).isEqualTo(201);
            assertThat(purchased.header(REPLAYED)).isEmpty();
            String user = user(t);
            var assigned = t.admin().post(t.base + "/credits/users/" + user + "/assign", Map.of("credits", 3), key + "-assign");
            assertThat(assigned.status()).as(assigned.text()).isEqualTo(200);
            assertThat(assigned.header(REPLAYED)).isEmpty();
        }
        for (var t : List.of(a, b)) {
            var s = summary(t);
            assertThat(s.get("totalPurchased").decimalValue()).isEqualByComparingTo("1007");
            assertThat(s.get("creditsUnassigned").decimalValue()).isEqualByComparingTo("1004");
            assertThat(entries(t, "PURCHASE")).isEqualTo(2);
            assertThat(entries(t, "ASSIGN")).isEqualTo(1);
            noDrift(t);
        }
    }

    // ------------------------------------------------------------------ what is remembered

    @Test
    void a_refused_validation_is_not_remembered_so_a_corrected_retry_with_the_same_key_succeeds() {
        var t = tenant();
        String user = user(t);
        String assign = t.base + "/credits/users/" + user + "/assign";
        String purchases = t.base + "/purchases";
        var admin = t.admin();

        record Attempt(ApiClient client, String path, Object bad, int badStatus, Object good, int goodStatus) {
        }
        var attempts = List.of(
                new Attempt(t.platform, purchases, Map.of("credits", new BigDecimal("0.0001"), "reference", "PO-1"), 400,
                        Map.of("credits", 10, "reference", "PO-1"), 201),
                new Attempt(t.platform, purchases, Map.of("credits", 10, "reference", "R".repeat(201)), 400,
                        Map.of("credits", 11, "reference", "PO-2"), 201),
                new Attempt(admin, assign, Map.of("credits", 5, "note", "n".repeat(501)), 400, Map.of("credits", 5, "note", "ok"), 200),
                new Attempt(admin, t.base + "/credits/users/" + user + "/add", "{\"credits\": 1, \"surprise\": true}", 400,
                        Map.of("credits", 1), 200),
                new Attempt(admin, t.base + "/credits/users/" + user + "/add",
                        "{\"credits\": 1, \"note\": \"" + "x".repeat(70 * 1024) + "\"}", 413, Map.of("credits", 2), 200));
        for (var attempt : attempts) {
            String key = "fix-" + UUID.randomUUID();
            var before = TenantState.of(t);
            var refused = attempt.client().send("POST", attempt.path(), attempt.bad(), Map.of("Idempotency-Key", key));
            assertThat(refused.status()).as(refused.text()).isEqualTo(attempt.badStatus());
            TenantState.of(t).assertUnchangedSince(before, ledger, t.tenant, "a refused " + attempt.path());

            var corrected = attempt.client().send("POST", attempt.path(), attempt.good(), Map.of("Idempotency-Key", key));
            assertThat(corrected.status()).as("corrected retry with the same key: " + corrected.text())
                    .isEqualTo(attempt.goodStatus());
            assertThat(corrected.header(REPLAYED)).isEmpty();
            var replay = attempt.client().send("POST", attempt.path(), attempt.good(), Map.of("Idempotency-Key", key));
            assertThat(replay.header(REPLAYED)).isEqualTo("true");
            assertThat(replay.json()).isEqualTo(corrected.json());
        }
        var s = summary(t);
        assertThat(s.get("totalPurchased").decimalValue()).isEqualByComparingTo("1021");
        assertThat(s.get("creditsUnassigned").decimalValue()).isEqualByComparingTo("1013"); // 1021 − 5 − 1 − 2
        noDrift(t);
    }

    @Test
    void a_business_refusal_is_remembered_and_replayed_even_once_it_would_succeed() {
        var t = tenant();
        String user = user(t);
        String key = "big-" + UUID.randomUUID();
        String path = t.base + "/credits/users/" + user + "/assign";

        var refused = t.admin().post(path, Map.of("credits", 1500), key);
        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("INSUFFICIENT_UNASSIGNED");
        assertThat(refused.json().get("unassigned").decimalValue()).isEqualByComparingTo("1000");
        assertThat(refused.header(REPLAYED)).isEmpty();

        t.purchase("1000"); // now 2000 unassigned: the same request would succeed if it ran again
        var replay = t.admin().post(path, Map.of("credits", 1500), key);
        assertThat(replay.status()).as(replay.text()).isEqualTo(409);
        assertThat(replay.header(REPLAYED)).isEqualTo("true");
        assertThat(replay.header("Content-Type")).startsWith("application/problem+json");
        assertThat(replay.json()).isEqualTo(refused.json());
        assertThat(entries(t, "ASSIGN")).isZero();

        var fresh = t.admin().post(path, Map.of("credits", 1500), "other-" + UUID.randomUUID());
        assertThat(fresh.status()).as(fresh.text()).isEqualTo(200);
        assertThat(entries(t, "ASSIGN")).isEqualTo(1);
        noDrift(t);
    }

    /**
     * Puts the key back to "claimed, no answer yet", as a crash between the ledger's commit and storing the answer
     * leaves it; {@code ownerAlive} says whether the claiming database session still exists.
     */
    private void claimWithoutAnswer(HttpFixture t, String key, boolean ownerAlive) {
        String owner = ownerAlive
                ? "owner_pid = pg_backend_pid(), owner_started = (select backend_start from pg_stat_activity where pid = pg_backend_pid())"
                : "owner_pid = 0, owner_started = timestamptz '2000-01-01 00:00:00Z'";
        int claims = jdbc.sql("update idempotency_keys set status = null, body = null, completed_at = null, " + owner
                + " where tenant_id = ? and key = ?").params(UUID.fromString(t.tenant), key).update();
        assertThat(claims).isEqualTo(1);
    }

    @Test
    void a_claim_whose_database_session_is_gone_is_taken_over_at_once_and_answers_with_the_first_figures() {
        var t = tenant();
        String user = user(t);
        String key = "crashed-" + UUID.randomUUID();
        String path = t.base + "/credits/users/" + user + "/assign";
        var first = t.admin().post(path, Map.of("credits", 100), key);
        assertThat(first.status()).as(first.text()).isEqualTo(200);
        var later = t.admin().post(t.base + "/credits/users/" + user + "/add", Map.of("credits", 5), "later-" + UUID.randomUUID());
        assertThat(later.status()).as(later.text()).isEqualTo(200);

        claimWithoutAnswer(t, key, false); // the instance that claimed it died before storing the answer
        var retry = t.admin().post(path, Map.of("credits", 100), key);

        assertThat(retry.status()).as(retry.text()).isEqualTo(200);
        assertThat(retry.json()).as("the first answer's figures, not today's balance").isEqualTo(first.json());
        assertThat(entries(t, "ASSIGN")).isEqualTo(1);
        noDrift(t);
    }

    @Test
    void a_claim_whose_database_session_is_alive_is_still_in_use() {
        var t = tenant();
        String user = user(t);
        String key = "running-" + UUID.randomUUID();
        String path = t.base + "/credits/users/" + user + "/assign";
        assertThat(t.admin().post(path, Map.of("credits", 100), key).status()).isEqualTo(200);

        claimWithoutAnswer(t, key, true);
        var retry = t.admin().post(path, Map.of("credits", 100), key);

        assertThat(retry.status()).as(retry.text()).isEqualTo(409);
        assertThat(retry.code()).isEqualTo("IDEMPOTENCY_KEY_IN_USE");
    }

    // ------------------------------------------------------------------ concurrency

    @TestFactory
    Stream<DynamicTest> fifty_concurrent_requests_with_one_key_act_exactly_once() {
        return operations().stream().map(op -> dynamicTest(op.name(), () -> {
            var t = tenant();
            var target = op.prepare().apply(t);
            long entriesBefore = entries(t, op.entryType());
            var summaryBefore = summary(t);
            String key = "race-" + UUID.randomUUID();

            var responses = Together.run(50, i -> target.send(10, key));

            var successes = responses.stream().filter(r -> r.status() == op.status()).toList();
            var inUse = responses.stream().filter(r -> r.status() == 409).toList();
            assertThat(successes.size() + inUse.size()).as(statuses(responses)).isEqualTo(50);
            assertThat(inUse).allSatisfy(r -> assertThat(r.code()).isEqualTo("IDEMPOTENCY_KEY_IN_USE"));
            assertThat(successes.stream().filter(r -> !r.header(REPLAYED).equals("true")).count())
                    .as("responses that are not replays").isEqualTo(1);
            assertThat(successes).allSatisfy(r -> assertThat(r.json()).isEqualTo(successes.getFirst().json()));
            assertThat(entries(t, op.entryType()) - entriesBefore).as("ledger entries").isEqualTo(1);
            var summaryAfter = summary(t);
            BigDecimal moved = summaryAfter.get("creditsUnassigned").decimalValue()
                    .subtract(summaryBefore.get("creditsUnassigned").decimalValue()).abs();
            assertThat(moved).as("unassigned pool moved by one operation").isEqualByComparingTo("10");
            noDrift(t);

            // Once the first has finished, the key replays for everyone.
            var after = target.send(10, key);
            assertThat(after.status()).isEqualTo(op.status());
            assertThat(after.header(REPLAYED)).isEqualTo("true");
        }));
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

    private static String statuses(List<Response> responses) {
        return responses.stream().map(r -> r.status() + " " + r.code()).toList().toString();
    }

    // ------------------------------------------------------------------ consumption: idempotent on requestId

    private static JsonNode balance(HttpFixture t, String user) {
        return t.consumer().get(t.base + "/users/" + user + "/balance").json();
    }

    private static JsonNode state(HttpFixture t, String request) {
        var response = t.consumer().get(t.base + "/consumption/" + request);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
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

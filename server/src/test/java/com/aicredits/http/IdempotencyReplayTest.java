package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.aicredits.ApiClient.Response;
import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import com.aicredits.Together;
import java.math.BigDecimal;
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

/**
 * Replaying an Idempotency-Key over HTTP, for each keyed admin and platform POST (purchase, assign, add, remove):
 * the same key and body replay the first response (with {@code Idempotent-Replayed: true}) and act once, even 50
 * requests at the same moment; the same key with another body or on another path is 422 and changes nothing; and
 * a key belongs to its tenant.
 */
@TestApplication
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IdempotencyReplayTest extends IdempotencyContext {

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

    private static String statuses(List<Response> responses) {
        return responses.stream().map(r -> r.status() + " " + r.code()).toList().toString();
    }
}

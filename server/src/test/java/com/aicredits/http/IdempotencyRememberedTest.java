package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What an Idempotency-Key remembers: a request refused by validation is not remembered (a corrected retry with the
 * same key acts), a business refusal is (and replays even once it would succeed); a key claimed but left without an
 * answer is taken over at once when its database session is gone, and is still in use while that session lives.
 */
@TestApplication
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IdempotencyRememberedTest extends IdempotencyContext {

    @Autowired JdbcClient jdbc;

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
}

package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.ApiClient.Response;
import com.aicredits.TestApplication;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The mutating calls that move no credits take an Idempotency-Key too (API.md: "Every mutating call accepts
 * Idempotency-Key"): a user's change, single sign-on set and off, an API key issued and revoked, notifications marked
 * read. A retry replays the first answer and changes nothing again; the same key for another request is 422. A key
 * issued once is shown once: its replay names the same key without the secret. A call for the signed-in person is
 * that person's request: the same key from a colleague is refused, not answered with the first person's result.
 */
@TestApplication
class IdempotentChangesTest extends IdempotencyContext {

    @Autowired JdbcClient jdbc;

    private static Response send(ApiClient client, String method, String path, Object body, String key) {
        return client.send(method, path, body, Map.of("Idempotency-Key", key));
    }

    private static void assertReplayOf(Response replay, Response first) {
        assertThat(replay.status()).as(replay.text()).isEqualTo(first.status());
        assertThat(replay.header(REPLAYED)).isEqualTo("true");
        if (first.status() != 204) {
            assertThat(replay.json()).isEqualTo(first.json());
        }
    }

    private static void assertReused(Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(422);
        assertThat(response.code()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
    }

    /** A probe of December 5: a retry that wrote the amount 1000 as 1000.0 was refused as another request. */
    @Test
    void a_retry_that_writes_the_same_amount_another_way_is_the_same_request() {
        var t = tenant();
        String key = "po-" + UUID.randomUUID();
        var first = send(t.platform, "POST", t.base + "/purchases", Map.of("credits", 1000, "reference", "PO-9"), key);
        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertReplayOf(send(t.platform, "POST", t.base + "/purchases", Map.of("reference", "PO-9", "credits", 1000.0), key), first);
        assertReplayOf(send(t.platform, "POST", t.base + "/purchases", Map.of("credits", new java.math.BigDecimal("1E+3"),
                "reference", "PO-9"), key), first);
        assertReused(send(t.platform, "POST", t.base + "/purchases", Map.of("credits", 1000.5, "reference", "PO-9"), key));
    }

    @Test
    void a_retried_change_of_a_user_is_applied_once_and_does_not_undo_a_later_one() {
        var t = tenant();
        String user = user(t);
        String path = t.base + "/users/" + user;
        String key = "rename-" + UUID.randomUUID();

        var first = send(t.admin(), "PATCH", path, Map.of("name", "Grace Hopper"), key);
        assertThat(first.status()).as(first.text()).isEqualTo(200);
        assertThat(first.header(REPLAYED)).isEmpty();
        assertThat(t.admin().patch(path, Map.of("name", "Grace B. Hopper")).status()).isEqualTo(200);

        assertReplayOf(send(t.admin(), "PATCH", path, Map.of("name", "Grace Hopper"), key), first);
        assertReused(send(t.admin(), "PATCH", path, Map.of("name", "Someone Else"), key));
        assertThat(t.admin().get(t.base + "/users").json().valueStream()
                .filter(u -> u.get("id").asString().equals(user)).findFirst().orElseThrow().get("name").asString())
                .as("the retry changed nothing back").isEqualTo("Grace B. Hopper");
    }

    @Test
    void single_sign_on_set_and_turned_off_with_a_key_replay_their_first_answers() {
        var t = tenant();
        String path = t.base + "/sso";
        var body = Map.of("issuer", "https://login.example.com/" + t.tenant, "clientId", "app-1", "clientSecret", "s3cr3t-1");
        String key = "sso-" + UUID.randomUUID();

        var set = send(t.admin(), "PUT", path, body, key);
        assertThat(set.status()).as(set.text()).isEqualTo(200);
        var off = send(t.admin(), "DELETE", path, null, key + "-off");
        assertThat(off.status()).as(off.text()).isEqualTo(204);

        // The retry of the first answer does not turn single sign-on back on.
        assertReplayOf(send(t.admin(), "PUT", path, body, key), set);
        assertThat(t.admin().get(path).status()).isEqualTo(404);
        assertReused(send(t.admin(), "PUT", path, Map.of("issuer", "https://other.example.com", "clientId", "app-1",
                "clientSecret", "s3cr3t-1"), key));
        assertReplayOf(send(t.admin(), "DELETE", path, null, key + "-off"), off);
    }

    @Test
    void a_retried_key_issue_issues_one_key_and_shows_its_secret_once() {
        var t = tenant();
        String path = t.base + "/api-keys";
        var body = Map.of("scope", "consume", "name", "retried-" + UUID.randomUUID());
        String key = "issue-" + UUID.randomUUID();
        int keysBefore = t.platform.get(path).json().size();

        var first = send(t.platform, "POST", path, body, key);
        assertThat(first.status()).as(first.text()).isEqualTo(201);
        String secret = first.json().get("key").asString();
        assertThat(secret).isNotBlank();

        var again = send(t.platform, "POST", path, body, key);
        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(again.header(REPLAYED)).isEqualTo("true");
        assertThat(again.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(again.json().get("name")).isEqualTo(first.json().get("name"));
        assertThat(again.json().get("key").isNull()).as("the secret in a replay").isTrue();
        assertThat(again.text()).doesNotContain(secret);
        assertThat(t.platform.get(path).json().size()).as("keys issued").isEqualTo(keysBefore + 1);
        // What the database keeps for the key's replay does not hold the secret either.
        assertThat(jdbc.sql("select count(*) from idempotency_keys where body like ?").param("%" + secret + "%")
                .query(Long.class).single()).isZero();

        String revoke = path + "/" + first.json().get("id").asString();
        var revoked = send(t.platform, "DELETE", revoke, null, key + "-revoke");
        assertThat(revoked.status()).isEqualTo(204);
        assertReplayOf(send(t.platform, "DELETE", revoke, null, key + "-revoke"), revoked);
        assertReused(send(t.platform, "POST", path, Map.of("scope", "admin", "name", "other"), key));
        assertThat(ApiClient.bearer(port, secret).get(t.base + "/users/" + user(t) + "/balance").status()).isEqualTo(401);
    }

    @Test
    void marking_read_and_filing_a_credit_request_are_the_signed_in_persons_own_requests() {
        var t = tenant();
        String patId = t.user("Pat Planner", "Planner");
        String quinnId = t.user("Quinn Planner", "Planner");
        var pat = t.session("Pat Planner");
        var quinn = t.session("Quinn Planner");
        String read = t.base + "/notifications/read";
        String key = "read-" + UUID.randomUUID();

        var patRead = send(pat, "POST", read, Map.of("all", true), key);
        assertThat(patRead.status()).as(patRead.text()).isEqualTo(204);
        assertReplayOf(send(pat, "POST", read, Map.of("all", true), key), patRead);
        assertReused(send(quinn, "POST", read, Map.of("all", true), key));

        String file = t.base + "/credit-requests";
        var body = Map.of("credits", 40, "reason", "Quarter-end planning");
        var patFiled = send(pat, "POST", file, body, key + "-file");
        assertThat(patFiled.status()).as(patFiled.text()).isEqualTo(201);
        assertThat(patFiled.json().get("userId").asString()).isEqualTo(patId);
        assertReplayOf(send(pat, "POST", file, body, key + "-file"), patFiled);
        assertReused(send(quinn, "POST", file, body, key + "-file"));
        // Quinn's own request, with a key of Quinn's, is filed as Quinn's.
        var quinnFiled = send(quinn, "POST", file, body, key + "-quinn");
        assertThat(quinnFiled.status()).as(quinnFiled.text()).isEqualTo(201);
        assertThat(quinnFiled.json().get("userId").asString()).isEqualTo(quinnId);
    }
}

package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The webhook endpoints exactly as API.md's "Webhooks (admin)" defines them, and the outbox: an event per credit
 * change in the change's own transaction, only for a tenant with a subscriber, none for a refused change. Targets
 * must be public here (the default configuration), so the endpoints point at names that resolve nowhere.
 */
@TestApplication
class WebhookApiTest {

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;

    private static Map<String, String> key() {
        return Map.of("Idempotency-Key", UUID.randomUUID().toString());
    }

    @Test
    void an_endpoint_is_registered_with_a_secret_shown_once_listed_changed_and_removed() {
        var t = new HttpFixture(port);
        var created = t.admin().post(t.base + "/webhooks", Map.of("url", "https://hooks.example.invalid/credits",
                "events", List.of("credits.assigned", "pool.short", "credits.assigned"), "description", "finance"));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        var json = created.json();
        String id = json.get("id").asString();
        String secret = json.get("secret").asString();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSizeBetween(24, 32);
        assertThat(json.get("url").asString()).isEqualTo("https://hooks.example.invalid/credits");
        assertThat(json.get("enabled").asBoolean()).isTrue();
        assertThat(json.get("events").toString()).isEqualTo("[\"credits.assigned\",\"pool.short\"]");

        var listed = t.admin().get(t.base + "/webhooks");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().size()).isEqualTo(1);
        assertThat(listed.json().get(0).get("id").asString()).isEqualTo(id);
        assertThat(listed.json().get(0).has("secret")).isFalse();
        assertThat(listed.text()).doesNotContain(secret.substring(6));

        // at rest the secret is sealed: neither it nor its bytes appear in the row
        String sealed = jdbc.sql("select secret_sealed from webhook_endpoints where id = ?").param(UUID.fromString(id))
                .query(String.class).single();
        assertThat(sealed).doesNotContain(secret.substring(6));
        byte[] sealedBytes = Base64.getDecoder().decode(sealed);
        assertThat(indexOf(sealedBytes, Base64.getDecoder().decode(secret.substring(6)))).isEqualTo(-1);

        var changed = t.admin().patch(t.base + "/webhooks/" + id, Map.of("enabled", false, "events", List.of("*")));
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        assertThat(changed.json().get("enabled").asBoolean()).isFalse();
        assertThat(changed.json().get("events").toString()).isEqualTo("[\"*\"]");
        assertThat(changed.json().get("description").asString()).isEqualTo("finance");

        assertThat(t.admin().delete(t.base + "/webhooks/" + id).status()).isEqualTo(204);
        assertThat(t.admin().delete(t.base + "/webhooks/" + id).status()).isEqualTo(404);
        assertThat(t.admin().get(t.base + "/webhooks").json().size()).isZero();
    }

    @Test
    void a_retried_registration_answers_the_same_endpoint_and_secret_and_another_body_is_refused() {
        var t = new HttpFixture(port);
        var key = key();
        Map<String, Object> body = Map.of("url", "https://hooks.example.invalid/retry", "events", List.of("*"));
        var first = t.admin().send("POST", t.base + "/webhooks", body, key);
        var again = t.admin().send("POST", t.base + "/webhooks", body, key);
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
        assertThat(again.json().get("secret").asString()).isEqualTo(first.json().get("secret").asString());
        var other = t.admin().send("POST", t.base + "/webhooks", Map.of("url", "https://hooks.example.invalid/other",
                "events", List.of("*")), key);
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.code()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(t.admin().get(t.base + "/webhooks").json().size()).isEqualTo(1);
    }

    @Test
    void a_target_that_is_not_public_https_is_refused_and_nothing_is_registered() {
        var t = new HttpFixture(port);
        for (var url : List.of("https://localhost/hook", "https://127.0.0.1/hook", "http://hooks.example.invalid/hook",
                "https://169.254.169.254/latest/meta-data", "https://[::1]/hook", "https://10.0.0.8/hook")) {
            var refused = t.admin().post(t.base + "/webhooks", Map.of("url", url, "events", List.of("*")));
            assertThat(refused.status()).as(url).isEqualTo(400);
            assertThat(refused.code()).as(url).isEqualTo("UNSAFE_WEBHOOK_URL");
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(t.admin().get(t.base + "/webhooks").json().size()).isZero();
    }

    @Test
    void a_credit_change_writes_one_event_per_subscriber_in_its_transaction_and_a_refused_one_writes_none() {
        var t = new HttpFixture(port);
        var quiet = new HttpFixture(port);
        var assignedOnly = t.admin().post(t.base + "/webhooks", Map.of("url", "https://hooks.example.invalid/a",
                "events", List.of("credits.assigned"))).json().get("id").asString();
        var all = t.admin().post(t.base + "/webhooks", Map.of("url", "https://hooks.example.invalid/b",
                "events", List.of("*"))).json().get("id").asString();
        t.purchase("100");
        String ada = t.user("Ada Hook", "Planner");
        t.assign(ada, "40");
        var tooMuch = t.admin().send("POST", t.base + "/credits/users/" + ada + "/add", Map.of("credits", 1000), key());
        assertThat(tooMuch.code()).isEqualTo("INSUFFICIENT_UNASSIGNED");

        assertThat(events(t.tenant)).containsExactlyInAnyOrder("purchase.recorded", "credits.assigned");
        assertThat(deliveries(t.tenant, assignedOnly)).isEqualTo(1);
        assertThat(deliveries(t.tenant, all)).isEqualTo(2);
        String body = jdbc.sql("select body from webhook_events where tenant_id = ? and type = 'credits.assigned'")
                .param(UUID.fromString(t.tenant)).query(String.class).single();
        assertThat(body).contains("\"userId\":\"" + ada + "\"", "\"email\":\"" + t.email("Ada Hook") + "\"",
                "\"credits\":40", "\"assigned\":40", "\"consumed\":0", "\"remaining\":40", "\"actor\":\"platform\"");

        // a tenant without endpoints: the same changes write nothing
        quiet.purchase("100");
        quiet.assign(quiet.user("Bo Quiet", "Viewer"), "10");
        assertThat(events(quiet.tenant)).isEmpty();

        var deliveriesView = t.admin().get(t.base + "/webhooks/" + all + "/deliveries");
        assertThat(deliveriesView.status()).isEqualTo(200);
        var newest = deliveriesView.json().get(0);
        assertThat(newest.get("type").asString()).isEqualTo("credits.assigned");
        assertThat(newest.get("status").asString()).isIn("PENDING", "FAILED");
        assertThat(newest.has("eventId") && newest.has("attempts") && newest.has("lastStatusCode") && newest.has("lastError")
                && newest.has("nextAttemptAt") && newest.has("deliveredAt")).isTrue();

        var test = t.admin().post(t.base + "/webhooks/" + assignedOnly + "/test", null);
        assertThat(test.status()).isEqualTo(202);
        String delivery = test.json().get("deliveryId").asString();
        assertThat(deliveries(t.tenant, assignedOnly)).isEqualTo(2);
        var resent = t.admin().post(t.base + "/webhooks/" + assignedOnly + "/deliveries/" + delivery + "/resend", null);
        assertThat(resent.status()).isEqualTo(202);
        assertThat(t.admin().post(t.base + "/webhooks/" + all + "/deliveries/" + delivery + "/resend", null).status())
                .as("a delivery of another endpoint").isEqualTo(404);
    }

    private List<String> events(String tenant) {
        return jdbc.sql("select type from webhook_events where tenant_id = ?").param(UUID.fromString(tenant))
                .query(String.class).list();
    }

    private int deliveries(String tenant, String endpoint) {
        return jdbc.sql("select count(*) from webhook_deliveries where tenant_id = ? and endpoint_id = ?")
                .params(UUID.fromString(tenant), UUID.fromString(endpoint)).query(Integer.class).single();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

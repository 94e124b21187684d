package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Credit requests and notifications exactly as API.md's part-two additions define them (paths, fields, codes),
 * with e-mail on: a real SMTP server (GreenMail) runs in this JVM and the tests read what arrived there.
 * {@link CreditRequestAuditTest} has the audit trail of the decisions.
 */
@TestApplication
class CreditRequestApiTest extends CreditRequestContext {

    @Test
    void a_user_files_a_request_the_admins_are_told_and_an_approval_grants_it_from_the_pool() throws Exception {
        var t = new HttpFixture(port);
        t.user("Ada Admin", "Admin");
        t.user("Bea Admin", "Admin");
        String planner = t.user("Pat Planner", "Planner");
        t.purchase("500");
        ApiClient pat = t.session("Pat Planner");

        var filed = pat.post(t.base + "/credit-requests", body("credits", 40, "reason", "Quarter-end planning"));
        assertThat(filed.status()).as(filed.text()).isEqualTo(201);
        var request = filed.json();
        assertThat(request.get("userId").asString()).isEqualTo(planner);
        assertThat(request.get("status").asString()).isEqualTo("PENDING");
        assertThat(request.get("credits").decimalValue()).isEqualByComparingTo("40");
        assertThat(request.get("reason").asString()).isEqualTo("Quarter-end planning");
        assertThat(request.get("createdAt").isNull()).isFalse();
        String id = request.get("id").asString();

        // Both admins hear of it by e-mail (and in the app); the planner does not.
        for (String admin : List.of("Ada Admin", "Bea Admin")) {
            var mails = mailTo(t.email(admin), 1);
            assertThat(mails).hasSize(1);
            assertThat(mails.getFirst().getSubject()).isEqualTo("Pat Planner asks for 40 AI credits");
            assertThat(text(mails.getFirst())).contains("Quarter-end planning")
                    .contains("https://credits.example.com/app/tenants/" + t.tenant + "/credits/requests");
            var inbox = t.session(admin).get(t.base + "/notifications").json();
            assertThat(inbox.get("unread").asLong()).isEqualTo(1);
            assertThat(inbox.get("items").get(0).get("type").asString()).isEqualTo("credit_request.created");
        }
        assertThat(mailTo(t.email("Pat Planner"), 1)).isEmpty();

        // One pending per user.
        var second = pat.post(t.base + "/credit-requests", body("credits", 5, "reason", "again"));
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.code()).isEqualTo("REQUEST_PENDING");

        var pending = t.admin().get(t.base + "/credit-requests?status=PENDING").json();
        assertThat(pending.get("total").asLong()).isEqualTo(1);
        assertThat(pending.get("items").get(0).get("id").asString()).isEqualTo(id);

        // Approve another amount, with a note: an assign (the planner had no credits), the pool pays.
        var approved = t.admin().send("POST", t.base + "/credit-requests/" + id + "/approve",
                body("credits", 25, "note", "25 for now"), key());
        assertThat(approved.status()).as(approved.text()).isEqualTo(200);
        assertThat(approved.json().get("status").asString()).isEqualTo("APPROVED");
        assertThat(approved.json().get("granted").decimalValue()).isEqualByComparingTo("25");
        assertThat(approved.json().get("decidedBy").asString()).startsWith("key:");
        assertThat(approved.json().get("decidedAt").isNull()).isFalse();
        var balance = t.admin().get(t.base + "/users/" + planner + "/balance").json();
        assertThat(balance.get("assigned").decimalValue()).isEqualByComparingTo("25");
        assertThat(balance.get("canStart").asBoolean()).isTrue();
        assertThat(t.admin().get(t.base + "/credits/summary").json().get("creditsUnassigned").decimalValue())
                .isEqualByComparingTo("475");
        var entries = t.admin().get(t.base + "/credits/users/" + planner + "/entries").json();
        assertThat(entries.toString()).contains("ASSIGN").contains("25 for now");

        // The requester is told, in the app and by e-mail.
        var told = mailTo(t.email("Pat Planner"), 1);
        assertThat(told).hasSize(1);
        assertThat(told.getFirst().getSubject()).isEqualTo("Your credit request was approved");
        assertThat(text(told.getFirst())).contains("25 AI credits of the 40 you asked for").contains("25 for now");
        var inbox = pat.get(t.base + "/notifications?unread=true").json();
        assertThat(inbox.get("items").get(0).get("type").asString()).isEqualTo("credit_request.approved");
        assertThat(inbox.get("items").get(0).get("link").asString()).isEqualTo("/app/tenants/" + t.tenant + "/me");

        // Decided by one admin, the request's notices are read for every admin (they said "asks for" after it).
        for (String admin : List.of("Ada Admin", "Bea Admin")) {
            assertThat(t.session(admin).get(t.base + "/notifications").json().get("unread").asLong()).as(admin).isZero();
        }

        // Deciding again is refused, and changes nothing.
        var again = t.admin().send("POST", t.base + "/credit-requests/" + id + "/approve", body(), key());
        assertThat(again.code()).isEqualTo("REQUEST_CLOSED");
        assertThat(again.status()).isEqualTo(409);
        assertThat(t.admin().send("POST", t.base + "/credit-requests/" + id + "/decline", body("reason", "no"), key()).code())
                .isEqualTo("REQUEST_CLOSED");
        assertThat(t.admin().get(t.base + "/users/" + planner + "/balance").json().get("assigned").decimalValue())
                .isEqualByComparingTo("25");

        // A second request, now with an allocation: approving adds.
        var more = pat.post(t.base + "/credit-requests", body("credits", 10, "reason", "a bit more"));
        assertThat(more.status()).isEqualTo(201);
        assertThat(t.admin().send("POST", t.base + "/credit-requests/" + more.json().get("id").asString() + "/approve",
                body(), key()).status()).isEqualTo(200);
        assertThat(t.admin().get(t.base + "/users/" + planner + "/balance").json().get("assigned").decimalValue())
                .isEqualByComparingTo("35");
        var mine = pat.get(t.base + "/users/" + planner + "/credit-requests").json().get("items");
        assertThat(mine).hasSize(2);
        // Both were filed at the test clock's one instant, so their order is not asserted.
        assertThat(java.util.stream.StreamSupport.stream(mine.spliterator(), false)
                .map(r -> r.get("credits").decimalValue().intValue() + "→" + r.get("granted").decimalValue().intValue()))
                .containsExactlyInAnyOrder("40→25", "10→10");

        // Mark read: one, then all.
        String first = pat.get(t.base + "/notifications").json().get("items").get(0).get("id").asString();
        assertThat(pat.post(t.base + "/notifications/read", Map.of("ids", List.of(first))).status()).isEqualTo(204);
        assertThat(pat.get(t.base + "/notifications").json().get("unread").asLong()).isEqualTo(1);
        assertThat(pat.post(t.base + "/notifications/read", Map.of("all", true)).status()).isEqualTo(204);
        assertThat(pat.get(t.base + "/notifications").json().get("unread").asLong()).isZero();
    }

    @Test
    void an_approval_the_pool_cannot_cover_is_refused_and_the_request_stays_pending() {
        var t = new HttpFixture(port);
        String user = t.user("Short Pool", "Viewer");
        t.purchase("10");
        var filed = t.consumer().post(t.base + "/credit-requests", body("credits", 50, "reason", "filed by the Canvas",
                "userId", user));
        assertThat(filed.status()).as(filed.text()).isEqualTo(201);
        assertThat(filed.json().get("filedBy").asString()).startsWith("key:");
        String id = filed.json().get("id").asString();

        var refused = t.admin().send("POST", t.base + "/credit-requests/" + id + "/approve", body(), key());
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("INSUFFICIENT_UNASSIGNED");
        assertThat(refused.json().get("unassigned").decimalValue()).isEqualByComparingTo("10");
        assertThat(t.admin().get(t.base + "/credit-requests?status=PENDING").json().get("total").asLong()).isEqualTo(1);
        assertThat(t.admin().get(t.base + "/credits/summary").json().get("creditsUnassigned").decimalValue())
                .isEqualByComparingTo("10");

        // A smaller amount fits; replaying the same key answers the first response again.
        var retryKey = key();
        var approved = t.admin().send("POST", t.base + "/credit-requests/" + id + "/approve", body("credits", 10), retryKey);
        assertThat(approved.status()).as(approved.text()).isEqualTo(200);
        var replay = t.admin().send("POST", t.base + "/credit-requests/" + id + "/approve", body("credits", 10), retryKey);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(t.admin().get(t.base + "/users/" + user + "/balance").json().get("assigned").decimalValue())
                .isEqualByComparingTo("10");
        assertThat(t.platform.get("/api/v1/reconciliation").json().toString()).doesNotContain(t.tenant);
    }

    @Test
    void a_decline_tells_the_requester_with_the_reason() throws Exception {
        var t = new HttpFixture(port);
        String user = t.user("Dee Clined", "Planner");
        t.user("Ada Decider", "Admin");
        var filed = t.admin().post(t.base + "/credit-requests", body("credits", 5, "reason", "please", "userId", user));
        assertThat(filed.status()).isEqualTo(201);
        // Declined by a signed-in admin: the requester reads their name, not their e-mail.
        var declined = t.session("Ada Decider").post(t.base + "/credit-requests/" + filed.json().get("id").asString()
                + "/decline", body("reason", "Budget is frozen until January"));
        assertThat(declined.status()).isEqualTo(200);
        assertThat(declined.json().get("status").asString()).isEqualTo("DECLINED");
        assertThat(declined.json().get("note").asString()).isEqualTo("Budget is frozen until January");
        var mails = mailTo(t.email("Dee Clined"), 1);
        assertThat(mails).hasSize(1);
        assertThat(mails.getFirst().getSubject()).isEqualTo("Your credit request was declined");
        assertThat(text(mails.getFirst())).contains("Budget is frozen until January").contains("declined by Ada Decider.");
    }

    @Test
    void a_user_is_mailed_when_their_own_balance_runs_low_and_runs_out() throws Exception {
        var t = new HttpFixture(port);
        String user = t.user("Eve Spender", "Planner");
        t.purchase("100");
        t.assign(user, "10");
        for (String cost : List.of("8", "2")) {
            var charged = t.consumer().post(t.base + "/consumption/charge", Map.of("requestId", UUID.randomUUID().toString(),
                    "userId", user, "feature", "canvas", "cost", new BigDecimal(cost)));
            assertThat(charged.status()).as(charged.text()).isEqualTo(201);
        }
        var mails = mailTo(t.email("Eve Spender"), 2);
        assertThat(mails).extracting(m -> m.getSubject())
                .containsExactlyInAnyOrder("Your AI credits are running low", "Your AI credits are used up");
        assertThat(text(mails.getFirst())).contains("https://credits.example.com/app/tenants/" + t.tenant + "/me");
    }

    @Test
    void bad_requests_are_refused_with_a_specific_code_and_change_nothing() {
        var t = new HttpFixture(port);
        String user = t.user("Val Idation", "Planner");
        String other = t.user("Oth Er", "Viewer");
        var val = t.session("Val Idation");
        String path = t.base + "/credit-requests";

        assertThat(val.post(path, body("credits", 0, "reason", "x")).code()).isEqualTo("INVALID_AMOUNT");
        assertThat(val.post(path, body("credits", 1.2345, "reason", "x")).code()).isEqualTo("INVALID_AMOUNT");
        assertThat(val.post(path, body("credits", "ten", "reason", "x")).code()).isEqualTo("INVALID_AMOUNT");
        assertThat(val.post(path, body("credits", 5)).code()).isEqualTo("VALIDATION_FAILED");
        assertThat(val.post(path, body("credits", 5, "reason", " ")).code()).isEqualTo("VALIDATION_FAILED");
        assertThat(val.post(path, body("credits", 5, "reason", "x".repeat(501))).code()).isEqualTo("VALIDATION_FAILED");
        assertThat(val.post(path, body("credits", 5, "reason", "x", "userId", other)).status()).isEqualTo(403);
        assertThat(t.consumer().post(path, body("credits", 5, "reason", "x")).code()).isEqualTo("VALIDATION_FAILED");
        assertThat(t.consumer().post(path, body("credits", 5, "reason", "x", "userId", UUID.randomUUID().toString())).code())
                .isEqualTo("NOT_FOUND");
        assertThat(t.admin().get(path + "?status=LOST").code()).isEqualTo("VALIDATION_FAILED");
        assertThat(t.admin().get(path + "?size=0").code()).isEqualTo("VALIDATION_FAILED");
        assertThat(t.admin().send("POST", path + "/" + UUID.randomUUID() + "/approve", body(), key()).code()).isEqualTo("NOT_FOUND");
        assertThat(t.admin().get(t.base + "/users/" + UUID.randomUUID() + "/credit-requests").code()).isEqualTo("NOT_FOUND");
        assertThat(t.admin().get(path).json().get("total").asLong()).isZero();

        var filed = val.post(path, body("credits", 5, "reason", "fine"));
        String id = filed.json().get("id").asString();
        var noKey = t.admin().post(path + "/" + id + "/approve", body());
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(t.admin().send("POST", path + "/" + id + "/approve", body("credits", -1), key()).code()).isEqualTo("INVALID_AMOUNT");
        assertThat(t.admin().send("POST", path + "/" + id + "/approve", body("note", "n".repeat(501)), key()).code())
                .isEqualTo("VALIDATION_FAILED");
        assertThat(val.send("POST", path + "/" + id + "/approve", body(), key()).status()).isEqualTo(403);
        assertThat(t.session("Oth Er").get(t.base + "/users/" + user + "/credit-requests").status()).isEqualTo(403);
        assertThat(t.admin().get(path + "?status=PENDING").json().get("total").asLong()).isEqualTo(1);

        assertThat(val.post(t.base + "/notifications/read", body()).code()).isEqualTo("VALIDATION_FAILED");
        assertThat(val.post(t.base + "/notifications/read", body("ids", List.of("not-a-uuid"))).code()).isEqualTo("VALIDATION_FAILED");
        // Found by HostileInputProperties (seed 8808972242608022455): an empty list beside all: true was answered 204.
        assertThat(val.post(t.base + "/notifications/read", body("ids", List.of(), "all", true)).code()).isEqualTo("VALIDATION_FAILED");
        assertThat(val.post(t.base + "/notifications/read", body("ids", List.of(UUID.randomUUID()), "all", true)).code())
                .isEqualTo("VALIDATION_FAILED");
        assertThat(val.post(t.base + "/notifications/read", body("ids", List.of())).code()).isEqualTo("VALIDATION_FAILED");
        assertThat(t.admin().get(t.base + "/notifications").status()).isEqualTo(403);
    }
}

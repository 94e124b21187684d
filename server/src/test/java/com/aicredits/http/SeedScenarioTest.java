package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient.Response;
import com.aicredits.TestApplication;
import com.aicredits.ledger.Ledger;
import com.aicredits.shared.TenantId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The help article's story, end to end through HTTP, with the five summary figures after every step. */
@TestApplication
class SeedScenarioTest {

    @LocalServerPort int port;
    @Autowired Ledger ledger;

    @Test
    void purchase_assign_add_overconsume_and_remove_as_the_help_article_tells_it() {
        var t = new HttpFixture(port);
        var admin = t.admin();
        var canvas = t.consumer();
        String ada = t.user("Ada Planner", "Planner");
        t.user("Bob Viewer", "Viewer");

        // Purchase 1,000 into the pool.
        assertThat(t.platform.post(t.base + "/purchases", Map.of("credits", 1000, "reference", "PO-1000"), "buy-1").status())
                .isEqualTo(201);
        assertSummary(admin, t, "1000", "0", "0", "1000", "100", 0, 2, "1000");

        // Assign 100 with a note.
        var assigned = admin.post(t.base + "/credits/users/" + ada + "/assign", Map.of("credits", 100, "note", "pilot"), "assign-1");
        assertThat(assigned.status()).isEqualTo(200);
        assertThat(assigned.json().get("remaining").decimalValue()).isEqualByComparingTo("100");
        assertSummary(admin, t, "1000", "0", "0", "1000", "100", 1, 2, "900");
        var entries = admin.get(t.base + "/credits/users/" + ada + "/entries").json().get("items");
        assertThat(entries.get(0).get("note").asString()).isEqualTo("pilot");
        assertThat(entries.get(0).get("actor").asString()).startsWith("key:admin-");

        // Add 50.
        assertThat(admin.post(t.base + "/credits/users/" + ada + "/add", Map.of("credits", 50), "add-1").status()).isEqualTo(200);
        assertSummary(admin, t, "1000", "0", "0", "1000", "100", 1, 2, "850");

        // Consume 138 (12 left), then a request admitted with 12 available costs 17: remaining -5.
        var charged = canvas.post(t.base + "/consumption/charge",
                Map.of("requestId", "c-1", "userId", ada, "feature", "canvas", "cost", 138));
        assertThat(charged.status()).isEqualTo(201);
        assertThat(charged.json().get("remaining").decimalValue()).isEqualByComparingTo("12");
        var authorized = canvas.post(t.base + "/consumption/authorize",
                Map.of("requestId", "q-17", "userId", ada, "feature", "canvas"));
        assertThat(authorized.status()).isEqualTo(201);
        assertThat(authorized.json().get("status").asString()).isEqualTo("AUTHORIZED");
        var settled = canvas.post(t.base + "/consumption/q-17/settle", Map.of("cost", 17));
        assertThat(settled.status()).isEqualTo(200);
        assertThat(settled.json().get("remaining").decimalValue()).isEqualByComparingTo("-5");
        var balance = canvas.get(t.base + "/users/" + ada + "/balance").json();
        assertThat(balance.get("remaining").decimalValue()).isEqualByComparingTo("-5");
        assertThat(balance.get("canStart").asBoolean()).isFalse();
        var refused = canvas.post(t.base + "/consumption/authorize", Map.of("requestId", "q-18", "userId", ada, "feature", "canvas"));
        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.code()).isEqualTo("CREDITS_EXHAUSTED");
        assertSummary(admin, t, "1000", "155", "15.5", "845", "84.5", 1, 2, "850");
        var row = admin.get(t.base + "/credits/users").json().get("items").get(0);
        assertThat(row.get("usedPercent").decimalValue()).isEqualByComparingTo("103.3");

        // A second user to show removal: 40 assigned, 10 consumed.
        String bob = admin.get(t.base + "/credits/assignable-users").json().get(0).get("userId").asString();
        admin.post(t.base + "/credits/users/" + bob + "/assign", Map.of("credits", 40), "assign-2");
        canvas.post(t.base + "/consumption/charge", Map.of("requestId", "c-2", "userId", bob, "feature", "canvas", "cost", 10));
        assertSummary(admin, t, "1000", "165", "16.5", "835", "83.5", 2, 2, "810");

        // Removing more than removable is refused and says how much is removable.
        var tooMuch = admin.post(t.base + "/credits/users/" + bob + "/remove", Map.of("credits", 31), "remove-1");
        assertThat(tooMuch.status()).isEqualTo(409);
        assertThat(tooMuch.code()).isEqualTo("EXCEEDS_REMOVABLE");
        assertThat(tooMuch.json().get("removable").decimalValue()).isEqualByComparingTo("30");
        assertSummary(admin, t, "1000", "165", "16.5", "835", "83.5", 2, 2, "810");

        // Removing all that is removable closes the allocation: Bob leaves the table, the counts drop.
        var removed = admin.post(t.base + "/credits/users/" + bob + "/remove", Map.of("credits", 30), "remove-2");
        assertThat(removed.status()).isEqualTo(200);
        assertThat(removed.json().get("active").asBoolean()).isFalse();
        var table = admin.get(t.base + "/credits/users").json();
        assertThat(table.get("total").asLong()).isEqualTo(1);
        assertThat(table.get("items").get(0).get("userId").asString()).isEqualTo(ada);
        assertSummary(admin, t, "1000", "165", "16.5", "835", "83.5", 1, 2, "840");

        assertThat(ledger.reconcile(TenantId.of(t.tenant)).drifts()).isEmpty();
    }

    private static void assertSummary(com.aicredits.ApiClient admin, HttpFixture t, String purchased, String utilized,
            String utilizedPercent, String available, String availablePercent, long withCredits, long users,
            String unassigned) {
        Response response = admin.get(t.base + "/credits/summary");
        assertThat(response.status()).isEqualTo(200);
        JsonNode s = response.json();
        assertThat(s.get("totalPurchased").decimalValue()).isEqualByComparingTo(purchased);
        assertThat(s.get("totalUtilized").decimalValue()).isEqualByComparingTo(utilized);
        assertThat(s.get("utilizedPercent").decimalValue()).isEqualByComparingTo(utilizedPercent);
        assertThat(s.get("totalAvailable").decimalValue()).isEqualByComparingTo(available);
        assertThat(s.get("availablePercent").decimalValue()).isEqualByComparingTo(availablePercent);
        assertThat(s.get("usersWithCredits").asLong()).isEqualTo(withCredits);
        assertThat(s.get("totalUsers").asLong()).isEqualTo(users);
        assertThat(s.get("creditsUnassigned").decimalValue()).isEqualByComparingTo(unassigned);
    }
}

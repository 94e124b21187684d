package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import com.aicredits.ledger.Ledger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The settings and allowance endpoints exactly as API.md's part-two additions define them: paths, fields and codes. */
@TestApplication
class AllowanceApiTest {

    @LocalServerPort int port;
    @Autowired Ledger ledger;

    private static Map<String, String> key() {
        return Map.of("Idempotency-Key", UUID.randomUUID().toString());
    }

    private static Map<String, Object> allowance(Object credits, Object period, Object mode) {
        var body = new HashMap<String, Object>();
        body.put("credits", credits);
        body.put("period", period);
        body.put("mode", mode);
        return body;
    }

    @Test
    void settings_read_with_their_defaults_and_change_field_by_field() {
        var t = new HttpFixture(port);

        var defaults = t.admin().get(t.base + "/settings").json();
        assertThat(defaults.get("timeZone").asString()).isEqualTo("UTC");
        assertThat(defaults.get("maxHoldsPerUser").asInt()).isEqualTo(4);
        assertThat(defaults.get("reclaimOnDeactivate").asBoolean()).isTrue();
        assertThat(defaults.get("alerts").get("userLowPercent").asInt()).isEqualTo(20);
        assertThat(defaults.get("alerts").get("userExhausted").asBoolean()).isTrue();
        assertThat(defaults.get("alerts").get("poolUnassignedBelow").isNull()).isTrue();
        assertThat(defaults.get("alerts").get("tenantAvailableBelowPercent").asInt()).isEqualTo(10);
        assertThat(defaults.get("allowanceDefaults").get("Viewer").isNull()).isTrue();

        var changed = t.admin().patch(t.base + "/settings", Map.of("timeZone", "Europe/Berlin", "maxHoldsPerUser", 6,
                "alerts", Map.of("poolUnassignedBelow", 250),
                "allowanceDefaults", Map.of("Viewer", Map.of("credits", 25, "period", "MONTHLY", "mode", "RESET"))));
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        var after = t.admin().get(t.base + "/settings").json();
        assertThat(after.get("timeZone").asString()).isEqualTo("Europe/Berlin");
        assertThat(after.get("maxHoldsPerUser").asInt()).isEqualTo(6);
        assertThat(after.get("alerts").get("poolUnassignedBelow").decimalValue()).isEqualByComparingTo("250");
        assertThat(after.get("alerts").get("userLowPercent").asInt()).isEqualTo(20);
        assertThat(after.get("allowanceDefaults").get("Viewer").get("credits").decimalValue()).isEqualByComparingTo("25");
        assertThat(after.get("allowanceDefaults").get("Viewer").get("period").asString()).isEqualTo("MONTHLY");

        var off = new HashMap<String, Object>();
        off.put("Viewer", null);
        assertThat(t.admin().patch(t.base + "/settings", Map.of("allowanceDefaults", off)).status()).isEqualTo(200);
        assertThat(t.admin().get(t.base + "/settings").json().get("allowanceDefaults").get("Viewer").isNull()).isTrue();
    }

    @Test
    void bad_settings_are_refused_with_a_specific_code_and_change_nothing() {
        var t = new HttpFixture(port);
        var before = t.admin().get(t.base + "/settings").text();

        assertThat(t.admin().patch(t.base + "/settings", Map.of("timeZone", "+02:00")).code()).isEqualTo("INVALID_TIME_ZONE");
        assertThat(t.admin().patch(t.base + "/settings", Map.of("timeZone", "Mars/Olympus")).code()).isEqualTo("INVALID_TIME_ZONE");
        assertThat(t.admin().patch(t.base + "/settings", Map.of("timeZone", 3)).code()).isEqualTo("VALIDATION_FAILED");
        assertThat(t.admin().patch(t.base + "/settings", Map.of("maxHoldsPerUser", 0)).code()).isEqualTo("VALIDATION_FAILED");
        assertThat(t.admin().patch(t.base + "/settings", Map.of("alerts", Map.of("userLowPercent", 101))).code())
                .isEqualTo("VALIDATION_FAILED");
        assertThat(t.admin().patch(t.base + "/settings", Map.of("allowanceDefaults",
                Map.of("Viewer", Map.of("credits", 1, "period", "DAILY", "mode", "RESET")))).code()).isEqualTo("INVALID_PERIOD");
        assertThat(t.admin().patch(t.base + "/settings", Map.of("allowanceDefaults",
                Map.of("Viewer", Map.of("credits", 1, "period", "WEEKLY", "mode", "SOMETIMES")))).code()).isEqualTo("INVALID_MODE");
        assertThat(t.admin().patch(t.base + "/settings", Map.of("allowanceDefaults",
                Map.of("Viewer", Map.of("credits", 0.0001, "period", "WEEKLY", "mode", "RESET")))).code()).isEqualTo("INVALID_AMOUNT");
        assertThat(t.admin().patch(t.base + "/settings", Map.of("allowanceDefaults",
                Map.of("Guest", Map.of("credits", 1, "period", "WEEKLY", "mode", "RESET")))).code()).isEqualTo("VALIDATION_FAILED");
        // a valid field beside a bad one is not applied either
        assertThat(t.admin().patch(t.base + "/settings", Map.of("maxHoldsPerUser", 9, "timeZone", "nowhere")).status())
                .isEqualTo(400);

        assertThat(t.admin().get(t.base + "/settings").text()).isEqualTo(before);
    }

    @Test
    void putting_an_allowance_grants_the_current_period_and_answers_with_the_allowance() {
        var t = new HttpFixture(port);
        t.purchase("1000");
        String ada = t.user("Ada", "Planner");

        var put = t.admin().send("PUT", t.base + "/credits/users/" + ada + "/allowance",
                Map.of("credits", 100, "period", "MONTHLY", "mode", "RESET", "note", "monthly budget"), key());

        assertThat(put.status()).as(put.text()).isEqualTo(200);
        var body = put.json();
        assertThat(body.get("userId").asString()).isEqualTo(ada);
        assertThat(body.get("credits").decimalValue()).isEqualByComparingTo(BigDecimal.valueOf(100));
        assertThat(body.get("period").asString()).isEqualTo("MONTHLY");
        assertThat(body.get("mode").asString()).isEqualTo("RESET");
        assertThat(body.get("nextGrantAt").asString()).endsWith("-01T00:00:00Z");
        assertThat(body.get("lastGrant").get("granted").decimalValue()).isEqualByComparingTo("100");
        assertThat(body.get("lastGrant").get("shortfall").decimalValue()).isEqualByComparingTo("0");
        assertThat(body.get("lastGrant").get("periodStart").asString()).endsWith("-01");
        assertThat(body.get("lastGrant").has("at")).isTrue();

        assertThat(t.admin().get(t.base + "/credits/users/" + ada + "/allowance").json().get("credits").decimalValue())
                .isEqualByComparingTo("100");
        assertThat(t.admin().get(t.base + "/credits/allowances").json()).hasSize(1);
        var row = t.admin().get(t.base + "/credits/users").json().get("items").get(0);
        assertThat(row.get("remaining").decimalValue()).isEqualByComparingTo("100");
        assertThat(row.get("allowance").get("period").asString()).isEqualTo("MONTHLY");
        var entry = t.admin().get(t.base + "/credits/users/" + ada + "/entries").json().get("items").get(0);
        assertThat(entry.get("type").asString()).isEqualTo("ALLOWANCE");
        assertThat(entry.get("actor").asString()).isEqualTo("allowance");

        assertThat(t.admin().send("DELETE", t.base + "/credits/users/" + ada + "/allowance", null, Map.of()).status())
                .isEqualTo(204);
        assertThat(t.admin().get(t.base + "/credits/users/" + ada + "/allowance").code()).isEqualTo("NOT_FOUND");
        assertThat(t.admin().get(t.base + "/credits/users").json().get("items").get(0).get("allowance").isNull()).isTrue();
    }

    @Test
    void a_short_pool_is_completed_by_grant_current_period_after_a_purchase() {
        var t = new HttpFixture(port);
        t.purchase("60");
        String ada = t.user("Ada", "Planner");
        var put = t.admin().send("PUT", t.base + "/credits/users/" + ada + "/allowance",
                allowance(100, "WEEKLY", "TOP_UP"), key());
        assertThat(put.json().get("lastGrant").get("shortfall").decimalValue()).isEqualByComparingTo("40");

        t.purchase("100");
        var grant = t.admin().post(t.base + "/credits/allowances/grant-current-period", null);

        assertThat(grant.status()).as(grant.text()).isEqualTo(200);
        assertThat(grant.json().get("granted").decimalValue()).isEqualByComparingTo("40");
        assertThat(grant.json().get("shortfall").decimalValue()).isEqualByComparingTo("0");
        assertThat(grant.json().get("users").asInt()).isEqualTo(1);
        assertThat(t.admin().get(t.base + "/credits/users/" + ada + "/allowance").json().get("lastGrant").get("shortfall")
                .decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void bad_allowances_are_refused_with_a_specific_code_and_change_nothing() {
        var t = new HttpFixture(port);
        t.purchase("1000");
        String ada = t.user("Ada", "Planner");
        String path = t.base + "/credits/users/" + ada + "/allowance";
        var before = TenantState.of(t);

        assertThat(t.admin().send("PUT", path, allowance(100, "DAILY", "RESET"), key()).code()).isEqualTo("INVALID_PERIOD");
        assertThat(t.admin().send("PUT", path, allowance(100, "monthly", "RESET"), key()).code()).isEqualTo("INVALID_PERIOD");
        assertThat(t.admin().send("PUT", path, allowance(100, null, "RESET"), key()).code()).isEqualTo("INVALID_PERIOD");
        assertThat(t.admin().send("PUT", path, allowance(100, "MONTHLY", "ROLLOVER"), key()).code()).isEqualTo("INVALID_MODE");
        assertThat(t.admin().send("PUT", path, allowance(0, "MONTHLY", "RESET"), key()).code()).isEqualTo("INVALID_AMOUNT");
        assertThat(t.admin().send("PUT", path, allowance(1.0001, "MONTHLY", "RESET"), key()).code()).isEqualTo("INVALID_AMOUNT");
        assertThat(t.admin().send("PUT", path, allowance("10", "MONTHLY", "RESET"), key()).code()).isEqualTo("INVALID_AMOUNT");
        assertThat(t.admin().send("PUT", path, allowance(10, "MONTHLY", "RESET"), Map.of()).code()).isEqualTo("VALIDATION_FAILED");
        assertThat(t.admin().send("PUT", t.base + "/credits/users/" + UUID.randomUUID() + "/allowance",
                allowance(10, "MONTHLY", "RESET"), key()).code()).isEqualTo("NOT_FOUND");
        assertThat(t.admin().get(path).code()).isEqualTo("NOT_FOUND");

        TenantState.of(t).assertUnchangedSince(before, ledger, t.tenant, "refused allowances");
    }
}

package com.aicredits.http;

import com.aicredits.TestApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestInstance;

/** Bad input on a tenant's settings and its single sign-on configuration (/sso). */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadSettingsInputTest extends BadInputTest {

    BadSettingsInputTest() {
        super(BadSettingsInputTest::cases);
    }

    static List<Case> cases(BadInputWorld w) {
        var cases = new ArrayList<Case>();
        settingsCases(w, cases);
        ssoCases(w, cases);
        return cases;
    }

    /** GET and PATCH /settings. */
    private static void settingsCases(BadInputWorld w, List<Case> cases) {
        String path = w.t.base + "/settings";
        cases.addAll(commonBodyCases(ADMIN, "PATCH", path, "change settings", "{\"reclaimOnDeactivate\": true}", Map.of()));
        var refused = orderedMap(
                "{\"timeZone\": \"+02:00\"}", "INVALID_TIME_ZONE timeZone",
                "{\"timeZone\": \"Mars/Olympus\"}", "INVALID_TIME_ZONE timeZone",
                "{\"timeZone\": \"\"}", "INVALID_TIME_ZONE timeZone",
                "{\"timeZone\": \"europe/berlin\"}", "INVALID_TIME_ZONE timeZone",
                "{\"timeZone\": 1}", "VALIDATION_FAILED timeZone",
                "{\"timeZone\": null}", "VALIDATION_FAILED timeZone",
                "{\"maxHoldsPerUser\": 0}", "VALIDATION_FAILED maxHoldsPerUser",
                "{\"maxHoldsPerUser\": 1001}", "VALIDATION_FAILED maxHoldsPerUser",
                "{\"maxHoldsPerUser\": 4.5}", "VALIDATION_FAILED maxHoldsPerUser",
                "{\"maxHoldsPerUser\": \"4\"}", "VALIDATION_FAILED maxHoldsPerUser",
                "{\"maxHoldsPerUser\": 99999999999}", "VALIDATION_FAILED maxHoldsPerUser",
                "{\"reclaimOnDeactivate\": \"true\"}", "VALIDATION_FAILED reclaimOnDeactivate",
                "{\"alerts\": {}}", "VALIDATION_FAILED alerts",
                "{\"alerts\": 5}", "VALIDATION_FAILED alerts",
                "{\"alerts\": {\"userLowPercent\": 101}}", "VALIDATION_FAILED alerts.userLowPercent",
                "{\"alerts\": {\"userLowPercent\": -1}}", "VALIDATION_FAILED alerts.userLowPercent",
                "{\"alerts\": {\"tenantAvailableBelowPercent\": 200}}", "VALIDATION_FAILED alerts.tenantAvailableBelowPercent",
                "{\"alerts\": {\"poolUnassignedBelow\": -1}}", "INVALID_AMOUNT alerts.poolUnassignedBelow",
                "{\"alerts\": {\"poolUnassignedBelow\": 0.0001}}", "INVALID_AMOUNT alerts.poolUnassignedBelow",
                "{\"alerts\": {\"userExhausted\": 1}}", "VALIDATION_FAILED alerts.userExhausted",
                "{\"alerts\": {\"surprise\": 1}}", "VALIDATION_FAILED alerts.surprise",
                "{\"allowanceDefaults\": {}}", "VALIDATION_FAILED allowanceDefaults",
                "{\"allowanceDefaults\": {\"Guest\": null}}", "VALIDATION_FAILED allowanceDefaults",
                "{\"allowanceDefaults\": {\"viewer\": null}}", "VALIDATION_FAILED allowanceDefaults",
                "{\"allowanceDefaults\": {\"Viewer\": 5}}", "VALIDATION_FAILED allowanceDefaults.Viewer",
                "{\"allowanceDefaults\": {\"Viewer\": {\"credits\": 0, \"period\": \"MONTHLY\", \"mode\": \"RESET\"}}}",
                "INVALID_AMOUNT allowanceDefaults.Viewer.credits",
                "{\"allowanceDefaults\": {\"Viewer\": {\"period\": \"MONTHLY\", \"mode\": \"RESET\"}}}",
                "INVALID_AMOUNT allowanceDefaults.Viewer.credits",
                "{\"allowanceDefaults\": {\"Viewer\": {\"credits\": 5, \"period\": \"DAILY\", \"mode\": \"RESET\"}}}",
                "INVALID_PERIOD allowanceDefaults.Viewer.period",
                "{\"allowanceDefaults\": {\"Viewer\": {\"credits\": 5, \"period\": \"WEEKLY\", \"mode\": \"KEEP\"}}}",
                "INVALID_MODE allowanceDefaults.Viewer.mode",
                "{\"maxHoldsPerUser\": 8, \"timeZone\": \"nowhere\"}", "INVALID_TIME_ZONE timeZone");
        refused.forEach((body, expected) -> {
            var parts = expected.split(" ");
            cases.add(c("change settings: " + abbreviate(body), ADMIN, "PATCH", path, body, 400, parts[0], parts[1]));
        });
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/settings", "read settings", null, Map.of()));
        cases.addAll(tenantIdCases(PLATFORM, "PATCH", "/settings", "change settings", "{\"reclaimOnDeactivate\": true}",
                Map.of()));
    }

    /** PUT, GET and DELETE /sso: the issuer must be an https URL; client id and secret are required text. */
    private static void ssoCases(BadInputWorld w, List<Case> cases) {
        String path = w.t.base + "/sso";
        String valid = "{\"issuer\": \"https://login.example.com/t/v2.0\", \"clientId\": \"c\", \"clientSecret\": \"s\"}";
        cases.addAll(commonBodyCases(ADMIN, "PUT", path, "set sso", valid, Map.of()));
        java.util.function.Function<String, String> issuer = literal -> "{\"issuer\": " + literal
                + ", \"clientId\": \"c\", \"clientSecret\": \"s\"}";
        for (var bad : List.of("\"http://login.example.com/t\"", "\"ftp://login.example.com/t\"", "\"login.example.com\"",
                "\"https://\"", "\"https://login.example.com/t?x=1\"", "\"https://login.example.com/t#f\"",
                "\"https://user@login.example.com/t\"", "\"\"", "\"  \"", "null", "\"https://login.example.com/" + "x".repeat(500) + "\"",
                "\"https://login.example.com/\\u0001\"", "\"http://10.0.0.1/t\"", "\"javascript:alert(1)\"")) {
            cases.add(c("set sso: issuer " + abbreviate(bad), ADMIN, "PUT", path, issuer.apply(bad), 400, "INVALID_ISSUER", "issuer"));
        }
        cases.add(c("set sso: issuer missing", ADMIN, "PUT", path, "{\"clientId\": \"c\", \"clientSecret\": \"s\"}", 400,
                "INVALID_ISSUER", "issuer"));
        cases.add(c("set sso: issuer a number", ADMIN, "PUT", path, issuer.apply("42"), 400, "VALIDATION_FAILED", "issuer"));
        var refused = orderedMap(
                "{\"issuer\": \"https://i.example\", \"clientSecret\": \"s\"}", "clientId",
                "{\"issuer\": \"https://i.example\", \"clientId\": \"\", \"clientSecret\": \"s\"}", "clientId",
                "{\"issuer\": \"https://i.example\", \"clientId\": \"" + "c".repeat(501) + "\", \"clientSecret\": \"s\"}", "clientId",
                "{\"issuer\": \"https://i.example\", \"clientId\": \"c\\n\", \"clientSecret\": \"s\"}", "clientId",
                "{\"issuer\": \"https://i.example\", \"clientId\": \"c\"}", "clientSecret",
                "{\"issuer\": \"https://i.example\", \"clientId\": \"c\", \"clientSecret\": \" \"}", "clientSecret",
                "{\"issuer\": \"https://i.example\", \"clientId\": \"c\", \"clientSecret\": \"" + "s".repeat(1001) + "\"}",
                "clientSecret",
                "{\"issuer\": \"https://i.example\", \"clientId\": \"c\", \"clientSecret\": 7}", "clientSecret",
                "{\"issuer\": \"https://i.example\", \"clientId\": \"c\", \"clientSecret\": \"s\", \"enforced\": \"true\"}",
                "enforced",
                "{\"issuer\": \"https://i.example\", \"clientId\": \"c\", \"clientSecret\": \"s\", \"enforced\": 1}", "enforced",
                "{\"issuer\": \"https://i.example\", \"clientId\": \"c\", \"clientSecret\": \"s\", \"jitRole\": \"Owner\"}",
                "jitRole",
                "{\"issuer\": \"https://i.example\", \"clientId\": \"c\", \"clientSecret\": \"s\", \"jitRole\": \"viewer\"}",
                "jitRole",
                "{\"issuer\": \"https://i.example\", \"clientId\": \"c\", \"clientSecret\": \"s\", \"jitRole\": 1}", "jitRole");
        refused.forEach((body, field) -> cases.add(c("set sso: " + abbreviate(body), ADMIN, "PUT", path, body, 400,
                "VALIDATION_FAILED", field)));
        cases.add(c("read sso: not set up", ADMIN, "GET", path, null, 404, "NOT_FOUND"));
        cases.addAll(tenantIdCases(PLATFORM, "PUT", "/sso", "set sso", valid, Map.of()));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/sso", "read sso", null, Map.of()));
        cases.addAll(tenantIdCases(PLATFORM, "DELETE", "/sso", "turn sso off", null, Map.of()));
    }
}

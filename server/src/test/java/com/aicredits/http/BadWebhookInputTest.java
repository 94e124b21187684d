package com.aicredits.http;

import com.aicredits.TestApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestInstance;

/** Bad input on the webhook endpoints: registering, changing, removing, testing, deliveries and resending. */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadWebhookInputTest extends BadInputTest {

    BadWebhookInputTest() {
        super(BadWebhookInputTest::cases);
    }

    static List<Case> cases(BadInputWorld w) {
        var cases = new ArrayList<Case>();
        webhookCases(w, cases);
        return cases;
    }

    /** The webhook endpoints (API.md "Webhooks (admin)"): bad bodies, unsafe targets, unknown and foreign ids. */
    private static void webhookCases(BadInputWorld w, List<Case> cases) {
        String base = w.t.base + "/webhooks";
        String valid = "{\"url\": \"https://hooks.example.invalid/credits\", \"events\": [\"credits.assigned\"]}";
        cases.addAll(commonBodyCases(ADMIN, "POST", base, "register webhook", valid, Map.of()));
        java.util.function.Function<String, String> withUrl = url -> "{\"url\": \"" + url + "\", \"events\": [\"*\"]}";
        for (var unsafe : List.of("http://hooks.example.invalid/x", "https://127.0.0.1/x", "https://localhost/x",
                "https://10.0.0.1/x", "https://172.20.1.1/x", "https://192.168.0.10/x", "https://100.64.1.1/x",
                "https://169.254.169.254/latest/meta-data", "https://224.0.0.1/x", "https://0.0.0.0/x", "https://[::1]/x",
                "https://[fd00::1]/x", "https://[fe80::1]/x", "https://[::ffff:127.0.0.1]/x",
                "https://user:pw@hooks.example.invalid/x", "ftp://hooks.example.invalid/x", "file:///etc/passwd")) {
            cases.add(c("register webhook: url " + unsafe, ADMIN, "POST", base, withUrl.apply(unsafe), 400,
                    "UNSAFE_WEBHOOK_URL", "url"));
        }
        var refused = orderedMap(
                withUrl.apply("not a url"), "VALIDATION_FAILED url",
                withUrl.apply(""), "VALIDATION_FAILED url",
                withUrl.apply("/relative/path"), "VALIDATION_FAILED url",
                withUrl.apply("https://hooks.example.invalid/" + "x".repeat(2000)), "VALIDATION_FAILED url",
                "{\"events\": [\"*\"]}", "VALIDATION_FAILED url",
                "{\"url\": 42, \"events\": [\"*\"]}", "VALIDATION_FAILED url",
                "{\"url\": \"https://hooks.example.invalid/x\"}", "VALIDATION_FAILED events",
                "{\"url\": \"https://hooks.example.invalid/x\", \"events\": []}", "VALIDATION_FAILED events",
                "{\"url\": \"https://hooks.example.invalid/x\", \"events\": [\"credits.spent\"]}", "VALIDATION_FAILED events",
                "{\"url\": \"https://hooks.example.invalid/x\", \"events\": [\"webhook.test\"]}", "VALIDATION_FAILED events",
                "{\"url\": \"https://hooks.example.invalid/x\", \"events\": [null]}", "VALIDATION_FAILED events",
                "{\"url\": \"https://hooks.example.invalid/x\", \"events\": [{}]}", "VALIDATION_FAILED events",
                "{\"url\": \"https://hooks.example.invalid/x\", \"events\": [\"a\\u0000b\"]}", "VALIDATION_FAILED events",
                "{\"url\": \"https://hooks.example.invalid/x\", \"events\": \"*\"}", "VALIDATION_FAILED events",
                "{\"url\": \"https://hooks.example.invalid/x\", \"events\": [\"*\"], \"description\": \""
                        + "d".repeat(501) + "\"}", "VALIDATION_FAILED description",
                "{\"url\": \"https://hooks.example.invalid/x\", \"events\": [\"*\"], \"description\": \"a\\u0000b\"}",
                "VALIDATION_FAILED description",
                "{\"url\": \"https://hooks.example.invalid/x\", \"events\": [\"*\"], \"secret\": \"whsec_mine\"}",
                "VALIDATION_FAILED secret");
        refused.forEach((body, expected) -> {
            var parts = expected.split(" ");
            cases.add(c("register webhook: " + abbreviate(body), ADMIN, "POST", base, body, 400, parts[0], parts[1]));
        });
        cases.add(c("register webhook: Idempotency-Key of 201 characters", ADMIN, "POST", base, valid,
                Map.of("Idempotency-Key", "k".repeat(201)), 400, "VALIDATION_FAILED", "Idempotency-Key"));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/webhooks", "register webhook", valid, Map.of()));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/webhooks", "webhooks", null, Map.of()));

        String one = base + "/" + w.webhook;
        cases.addAll(commonBodyCases(ADMIN, "PATCH", one, "change webhook", "{\"description\": \"d\"}", Map.of()));
        var badChanges = orderedMap(
                "{\"url\": \"https://127.0.0.1/x\"}", "UNSAFE_WEBHOOK_URL url",
                "{\"url\": \"http://hooks.example.invalid/x\"}", "UNSAFE_WEBHOOK_URL url",
                "{\"url\": \"nope\"}", "VALIDATION_FAILED url",
                "{\"events\": []}", "VALIDATION_FAILED events",
                "{\"events\": [\"credits.spent\"]}", "VALIDATION_FAILED events",
                "{\"enabled\": \"yes\"}", "VALIDATION_FAILED enabled",
                "{\"enabled\": 1}", "VALIDATION_FAILED enabled",
                "{\"description\": \"" + "d".repeat(501) + "\"}", "VALIDATION_FAILED description",
                "{\"enabled\": true, \"url\": \"https://[::1]/x\"}", "UNSAFE_WEBHOOK_URL url");
        badChanges.forEach((body, expected) -> {
            var parts = expected.split(" ");
            cases.add(c("change webhook: " + abbreviate(body), ADMIN, "PATCH", one, body, 400, parts[0], parts[1]));
        });
        String change = "{\"enabled\": true}";
        for (var id : List.of(UNKNOWN_UUID, MALFORMED_UUID, w.otherWebhook, w.ada)) {
            String other = base + "/" + id;
            cases.add(c("change webhook: id " + id, ADMIN, "PATCH", other, change, 404, "NOT_FOUND"));
            cases.add(c("remove webhook: id " + id, ADMIN, "DELETE", other, null, 404, "NOT_FOUND"));
            cases.add(c("test webhook: id " + id, ADMIN, "POST", other + "/test", null, 404, "NOT_FOUND"));
            cases.add(c("webhook deliveries: id " + id, ADMIN, "GET", other + "/deliveries", null, 404, "NOT_FOUND"));
            cases.add(c("resend: webhook id " + id, ADMIN, "POST", other + "/deliveries/" + w.delivery + "/resend", null,
                    404, "NOT_FOUND"));
        }
        for (var id : List.of(UNKNOWN_UUID, MALFORMED_UUID, w.webhook)) {
            cases.add(c("resend: delivery id " + id, ADMIN, "POST", one + "/deliveries/" + id + "/resend", null, 404,
                    "NOT_FOUND"));
        }
        cases.add(c("test webhook: blank Idempotency-Key", ADMIN, "POST", one + "/test", null,
                Map.of("Idempotency-Key", " "), 400, "VALIDATION_FAILED", "Idempotency-Key"));
        cases.add(c("remove webhook: Idempotency-Key of 201 characters", ADMIN, "DELETE", one, null,
                Map.of("Idempotency-Key", "k".repeat(201)), 400, "VALIDATION_FAILED", "Idempotency-Key"));
        cases.addAll(tenantIdCases(PLATFORM, "PATCH", "/webhooks/" + w.webhook, "change webhook", change, Map.of()));
        cases.addAll(tenantIdCases(PLATFORM, "DELETE", "/webhooks/" + w.webhook, "remove webhook", null, Map.of()));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/webhooks/" + w.webhook + "/test", "test webhook", null, Map.of()));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/webhooks/" + w.webhook + "/deliveries", "webhook deliveries", null,
                Map.of()));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/webhooks/" + w.webhook + "/deliveries/" + w.delivery + "/resend",
                "resend", null, Map.of()));
    }
}

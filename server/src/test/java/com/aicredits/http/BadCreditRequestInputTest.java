package com.aicredits.http;

import com.aicredits.TestApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestInstance;

/** Bad input on credit requests (filing, listing, approving, declining) and on notifications. */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadCreditRequestInputTest extends BadInputTest {

    BadCreditRequestInputTest() {
        super(BadCreditRequestInputTest::cases);
    }

    static List<Case> cases(BadInputWorld w) {
        var cases = new ArrayList<Case>();
        creditRequestCases(w, cases);
        notificationCases(w, cases);
        return cases;
    }

    /** POST and GET /credit-requests, a user's requests, approve and decline (API.md "Credit requests"). */
    private static void creditRequestCases(BadInputWorld w, List<Case> cases) {
        String path = w.t.base + "/credit-requests";
        String valid = "{\"credits\": 5, \"reason\": \"more\", \"userId\": \"" + w.bob + "\"}";
        cases.addAll(commonBodyCases(CONSUME, "POST", path, "file request", valid, Map.of()));
        BAD_CREDITS.forEach((name, literal) -> cases.add(c("file request: credits " + name, CONSUME, "POST", path,
                "{\"credits\": " + literal + ", \"reason\": \"more\", \"userId\": \"" + w.bob + "\"}", 400, "INVALID_AMOUNT",
                "credits")));
        cases.add(c("file request: reason missing", CONSUME, "POST", path, "{\"credits\": 5, \"userId\": \"" + w.bob + "\"}",
                400, "VALIDATION_FAILED", "reason"));
        cases.add(c("file request: reason blank", CONSUME, "POST", path,
                "{\"credits\": 5, \"reason\": \"  \", \"userId\": \"" + w.bob + "\"}", 400, "VALIDATION_FAILED", "reason"));
        cases.add(c("file request: reason too long", CONSUME, "POST", path, "{\"credits\": 5, \"reason\": \""
                + "r".repeat(501) + "\", \"userId\": \"" + w.bob + "\"}", 400, "VALIDATION_FAILED", "reason"));
        cases.add(c("file request: reason a number", CONSUME, "POST", path,
                "{\"credits\": 5, \"reason\": 5, \"userId\": \"" + w.bob + "\"}", 400, "VALIDATION_FAILED", "reason"));
        cases.add(c("file request: a key names no user", CONSUME, "POST", path, "{\"credits\": 5, \"reason\": \"more\"}", 400,
                "VALIDATION_FAILED", "userId"));
        cases.add(c("file request: malformed userId", CONSUME, "POST", path,
                "{\"credits\": 5, \"reason\": \"more\", \"userId\": \"" + MALFORMED_UUID + "\"}", 400, "VALIDATION_FAILED", "userId"));
        for (var user : List.of(UNKNOWN_UUID, w.eve)) {
            cases.add(c("file request: user " + user, CONSUME, "POST", path,
                    "{\"credits\": 5, \"reason\": \"more\", \"userId\": \"" + user + "\"}", 404, "NOT_FOUND"));
            cases.add(c("a user's requests: user " + user, ADMIN, "GET", w.t.base + "/users/" + user + "/credit-requests", null,
                    404, "NOT_FOUND"));
        }
        for (var query : List.of("status=LOST", "status=pending", "size=0", "size=201", "page=-1", "page=x")) {
            cases.add(c("list requests: " + query, ADMIN, "GET", path + "?" + query, null, 400, "VALIDATION_FAILED"));
        }
        for (var decision : List.of("approve", "decline")) {
            cases.add(c(decision + ": unknown request", ADMIN, "POST", path + "/" + UNKNOWN_UUID + "/" + decision, "{}", key(), 404,
                    "NOT_FOUND"));
            cases.add(c(decision + ": another tenant's path", ADMIN, "POST", w.other.base + "/credit-requests/" + UNKNOWN_UUID
                    + "/" + decision, "{}", key(), 404, "NOT_FOUND"));
        }
        String approve = path + "/" + UNKNOWN_UUID + "/approve";
        cases.add(c("approve: no Idempotency-Key", ADMIN, "POST", approve, "{}", Map.of(), 400, "VALIDATION_FAILED",
                "Idempotency-Key"));
        BAD_CREDITS.forEach((name, literal) -> cases.add(c("approve: credits " + name, ADMIN, "POST", approve,
                "{\"credits\": " + literal + "}", key(), 400, "INVALID_AMOUNT", "credits")));
        cases.add(c("approve: unknown field", ADMIN, "POST", approve, "{\"credits\": 1, \"status\": \"APPROVED\"}", key(), 400,
                "VALIDATION_FAILED", "status"));
        cases.add(c("decline: reason an object", ADMIN, "POST", path + "/" + UNKNOWN_UUID + "/decline", "{\"reason\": {}}", key(),
                400, "VALIDATION_FAILED", "reason"));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/credit-requests", "file request", valid, Map.of()));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credit-requests", "list requests", null, Map.of()));
    }

    /**
     * GET /notifications and POST /notifications/read. They are a person's own: the keys here may not call them,
     * but the platform may (it has no notifications), so its bad input is checked.
     */
    private static void notificationCases(BadInputWorld w, List<Case> cases) {
        String read = w.t.base + "/notifications/read";
        cases.addAll(commonBodyCases(PLATFORM, "POST", read, "mark read", "{\"all\": true}", Map.of()));
        cases.add(c("mark read: neither ids nor all", PLATFORM, "POST", read, "{}", 400, "VALIDATION_FAILED", "ids"));
        cases.add(c("mark read: all false", PLATFORM, "POST", read, "{\"all\": false}", 400, "VALIDATION_FAILED", "ids"));
        cases.add(c("mark read: empty ids", PLATFORM, "POST", read, "{\"ids\": []}", 400, "VALIDATION_FAILED", "ids"));
        cases.add(c("mark read: malformed id", PLATFORM, "POST", read, "{\"ids\": [\"" + MALFORMED_UUID + "\"]}", 400,
                "VALIDATION_FAILED", "ids"));
        cases.add(c("mark read: an id a number", PLATFORM, "POST", read, "{\"ids\": [\"" + UNKNOWN_UUID + "\", 7]}", 400,
                "VALIDATION_FAILED", "ids@1"));
        cases.add(c("mark read: ids not a list", PLATFORM, "POST", read, "{\"ids\": \"" + UNKNOWN_UUID + "\"}", 400,
                "VALIDATION_FAILED", "ids"));
        cases.add(c("mark read: all a string", PLATFORM, "POST", read, "{\"all\": \"true\"}", 400, "VALIDATION_FAILED"));
        cases.add(c("notifications: unread=maybe", PLATFORM, "GET", w.t.base + "/notifications?unread=maybe", null, 400,
                "VALIDATION_FAILED"));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/notifications", "notifications", null, Map.of()));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/notifications/read", "mark read", "{\"all\": true}", Map.of()));
    }
}

package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.aicredits.ApiClient;
import com.aicredits.api.Limits;
import com.aicredits.ApiClient.Response;
import com.aicredits.TestApplication;
import com.aicredits.ledger.Ledger;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ClassPathResource;

/**
 * Bad input on every endpoint of API.md (the rows of {@code authorization-matrix.csv}): missing fields,
 * wrong JSON types, bad amounts, malformed bodies, unknown fields, oversized notes and bodies, malformed
 * and unknown ids, paging and filter values out of range, bad or missing Idempotency-Keys, and the
 * business refusals an admin or AI feature can provoke. Every case must be answered with a 4xx problem
 * ({@code application/problem+json}) carrying the specific {@code code}, and must leave both tenants
 * exactly as they were, with balances that reconcile with the ledger entries.
 */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiBadInputTest {

    @LocalServerPort int port;
    @Autowired Ledger ledger;

    private static final String PLATFORM = "platform";
    private static final String ADMIN = "admin";
    private static final String CONSUME = "consume";
    private static final String MALFORMED_UUID = "not-a-uuid";
    private static final String UNKNOWN_UUID = "00000000-0000-4000-8000-00000000dead";

    /** A body sent exactly as written, with a Content-Type of our choice and optionally chunked (no length). */
    private record Raw(String text, String contentType, boolean chunked) {
    }

    /** One bad request: who sends it, where, and the status, code and (optionally) field the problem must name. */
    private record Case(String name, String caller, String method, String path, Object body, Map<String, String> headers,
            int status, String code, String field) {
        Case(String name, String caller, String method, String path, Object body, Map<String, String> headers, int status,
                String code) {
            this(name, caller, method, path, body, headers, status, code, null);
        }
    }

    /** The well-formed parts the bad cases vary, built once per run. */
    private final class World {
        final HttpFixture t = new HttpFixture(port);
        final HttpFixture other = new HttpFixture(port);
        final String ada = register(t, "Ada Funded", "Planner");
        final String bob = register(t, "Bob Unfunded", "Viewer");
        final String eve = register(other, "Eve Other", "Planner");
        // Cara and Dan are only for the business refusals, so a bad case that slips through (and changes Ada or
        // Bob) cannot make those fail too.
        final String cara = register(t, "Cara Unfunded", "Planner");
        final String dan = register(t, "Dan Funded", "Planner");
        String authorized;
        String settled;
        String voided;
        String keyId;
        String otherKeyId;
        String webhook;
        String otherWebhook;
        String delivery;

        World() {
            t.purchase("1000");
            t.assign(ada, "100");
            t.assign(dan, "10");
            other.purchase("500");
            other.assign(eve, "50");
            authorized = consume("authorize", Map.of("userId", ada, "feature", "canvas", "estimate", 3), 201);
            settled = consume("charge", Map.of("userId", ada, "feature", "canvas", "cost", 2), 201);
            voided = consume("authorize", Map.of("userId", ada, "feature", "canvas"), 201);
            assertThat(t.consumer().post(t.base + "/consumption/" + voided + "/void", null).status()).isEqualTo(200);
            keyId = t.issue("consume").id();
            otherKeyId = other.issue("consume").id();
            webhook = disabledWebhook(t);
            otherWebhook = disabledWebhook(other);
            var test = t.platform.post(t.base + "/webhooks/" + webhook + "/test", null);
            assertThat(test.status()).as(test.text()).isEqualTo(202);
            delivery = test.json().get("deliveryId").asString();
        }

        /** Disabled: no delivery attempt changes it while the cases run. */
        private static String disabledWebhook(HttpFixture f) {
            var created = f.platform.post(f.base + "/webhooks", Map.of("url", "https://hooks.example.invalid/bad-input",
                    "events", List.of("*")));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String id = created.json().get("id").asString();
            assertThat(f.platform.patch(f.base + "/webhooks/" + id, Map.of("enabled", false)).status()).isEqualTo(200);
            return id;
        }

        /** Without a password: nobody signs in here, and hashing one costs a noticeable fraction of a second. */
        private static String register(HttpFixture f, String name, String role) {
            var response = f.platform.post(f.base + "/users", Map.of("name", name, "email", f.email(name), "role", role));
            assertThat(response.status()).as(response.text()).isEqualTo(201);
            return response.json().get("id").asString();
        }

        private String consume(String call, Map<String, Object> body, int status) {
            String request = "r-" + UUID.randomUUID();
            var withId = new LinkedHashMap<String, Object>(body);
            withId.put("requestId", request);
            var response = t.consumer().post(t.base + "/consumption/" + call, withId);
            assertThat(response.status()).as(response.text()).isEqualTo(status);
            return request;
        }

        ApiClient client(String caller) {
            return switch (caller) {
                case PLATFORM -> t.platform;
                case ADMIN -> t.admin();
                case CONSUME -> t.consumer();
                default -> throw new IllegalArgumentException(caller);
            };
        }
    }

    // ------------------------------------------------------------------ the cases

    /** Amounts that are never acceptable, as JSON literals: each must be INVALID_AMOUNT. */
    private static final Map<String, String> BAD_COSTS = orderedMap(
            "negative", "-5",
            "negative fraction", "-0.001",
            "four decimals", "0.0001",
            "four decimals on a whole amount", "12.0005",
            "1e400", "1e400",
            "1e10 (above one billion)", "1e10",
            "one billion and a thousandth", "1000000000.001",
            "a huge exponent", "1e999999999",
            "a tiny exponent", "1e-999999999",
            "an exponent beyond 32 bits", "1e2147483648",
            "a string", "\"10\"",
            "a boolean", "true",
            "an object", "{\"value\": 10}",
            "an array", "[10]");

    /**
     * Not JSON numbers at all, so the body is not JSON: VALIDATION_FAILED. So are numbers longer than the
     * parser's limit of 1000 digits, which it refuses before it knows the field.
     */
    private static final Map<String, String> NOT_JSON_NUMBERS = orderedMap(
            "NaN", "NaN",
            "Infinity", "Infinity",
            "hexadecimal", "0x10",
            "with a leading plus", "+5",
            "with a leading zero", "012",
            "a 2000-digit number", "9".repeat(2000),
            "a 2000-digit fraction", "0." + "0".repeat(1999) + "1");

    /** Entered amounts (credits, estimate) must also be above zero. */
    private static final Map<String, String> BAD_CREDITS = withAll(BAD_COSTS, orderedMap(
            "zero", "0",
            "zero with decimals", "0.000",
            "minus zero", "-0"));

    private List<Case> cases(World w) {
        var t = w.t;
        var cases = new ArrayList<Case>();
        String tenants = "/api/v1/tenants";
        String purchases = t.base + "/purchases";
        String apiKeys = t.base + "/api-keys";
        String users = t.base + "/users";
        String credits = t.base + "/credits";
        String consumption = t.base + "/consumption";
        String longNote = "n".repeat(Ledger.MAX_NOTE + 1);
        String tooBig = "x".repeat(70 * 1024);

        // ---- POST /tenants {name}
        cases.addAll(commonBodyCases(PLATFORM, "POST", tenants, "create tenant", "{\"name\": \"Fine\"}", Map.of()));
        cases.add(c("create tenant: name missing", PLATFORM, "POST", tenants, "{}", 400, "VALIDATION_FAILED", "name"));
        cases.add(c("create tenant: name null", PLATFORM, "POST", tenants, "{\"name\": null}", 400, "VALIDATION_FAILED", "name"));
        cases.add(c("create tenant: name blank", PLATFORM, "POST", tenants, "{\"name\": \"   \"}", 400, "VALIDATION_FAILED", "name"));
        cases.add(c("create tenant: name 201 characters", PLATFORM, "POST", tenants,
                "{\"name\": \"" + "t".repeat(201) + "\"}", 400, "VALIDATION_FAILED", "name"));
        cases.add(c("create tenant: name a number", PLATFORM, "POST", tenants, "{\"name\": 42}", 400, "VALIDATION_FAILED", "name"));
        cases.add(c("create tenant: name an object", PLATFORM, "POST", tenants, "{\"name\": {\"first\": \"x\"}}", 400,
                "VALIDATION_FAILED", "name"));
        cases.add(c("create tenant: unknown field id", PLATFORM, "POST", tenants,
                "{\"name\": \"Fine\", \"id\": \"" + t.tenant + "\"}", 400, "VALIDATION_FAILED", "id"));
        cases.add(new Case("create tenant: blank Idempotency-Key", PLATFORM, "POST", tenants, "{\"name\": \"Fine\"}",
                Map.of("Idempotency-Key", ""), 400, "VALIDATION_FAILED", "Idempotency-Key"));
        cases.add(new Case("create tenant: Idempotency-Key of 201 characters", PLATFORM, "POST", tenants, "{\"name\": \"Fine\"}",
                Map.of("Idempotency-Key", "k".repeat(201)), 400, "VALIDATION_FAILED", "Idempotency-Key"));

        // ---- GET /tenants: takes no input; an id below it names no endpoint
        cases.add(c("list tenants: a malformed tenant id below it", PLATFORM, "GET", tenants + "/" + MALFORMED_UUID, null,
                404, "NOT_FOUND"));

        // ---- POST /tenants/{tenantId}/purchases {credits, reference, note?}, Idempotency-Key required
        var purchaseKey = key();
        cases.addAll(commonBodyCases(PLATFORM, "POST", purchases, "purchase", "{\"credits\": 10, \"reference\": \"PO-1\"}",
                purchaseKey));
        cases.addAll(amountCases(PLATFORM, purchases, "purchase", "credits", BAD_CREDITS,
                v -> "{\"credits\": " + v + ", \"reference\": \"PO-1\"}", purchaseKey));
        cases.add(c("purchase: credits missing", PLATFORM, "POST", purchases, "{\"reference\": \"PO-1\"}", purchaseKey,
                400, "VALIDATION_FAILED", "credits"));
        cases.add(c("purchase: credits null", PLATFORM, "POST", purchases, "{\"credits\": null, \"reference\": \"PO-1\"}",
                purchaseKey, 400, "VALIDATION_FAILED", "credits"));
        cases.add(c("purchase: reference missing", PLATFORM, "POST", purchases, "{\"credits\": 10}", purchaseKey,
                400, "VALIDATION_FAILED", "reference"));
        cases.add(c("purchase: reference blank", PLATFORM, "POST", purchases, "{\"credits\": 10, \"reference\": \" \"}",
                purchaseKey, 400, "VALIDATION_FAILED", "reference"));
        cases.add(c("purchase: reference 201 characters", PLATFORM, "POST", purchases,
                "{\"credits\": 10, \"reference\": \"" + "r".repeat(201) + "\"}", purchaseKey, 400, "VALIDATION_FAILED",
                "reference"));
        cases.add(c("purchase: reference a number", PLATFORM, "POST", purchases, "{\"credits\": 10, \"reference\": 1234}",
                purchaseKey, 400, "VALIDATION_FAILED", "reference"));
        cases.add(c("purchase: note of 501 characters", PLATFORM, "POST", purchases,
                "{\"credits\": 10, \"reference\": \"PO-1\", \"note\": \"" + longNote + "\"}", purchaseKey, 400,
                "VALIDATION_FAILED", "note"));
        cases.add(c("purchase: note an array", PLATFORM, "POST", purchases,
                "{\"credits\": 10, \"reference\": \"PO-1\", \"note\": [\"a\"]}", purchaseKey, 400, "VALIDATION_FAILED", "note"));
        cases.add(c("purchase: misspelt field 'credit'", PLATFORM, "POST", purchases, "{\"credit\": 10, \"reference\": \"PO-1\"}",
                purchaseKey, 400, "VALIDATION_FAILED", "credit"));
        cases.addAll(idempotencyKeyCases(PLATFORM, purchases, "purchase", "{\"credits\": 10, \"reference\": \"PO-1\"}"));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/purchases", "purchase", "{\"credits\": 10, \"reference\": \"PO-1\"}",
                purchaseKey));

        // ---- GET /tenants/{tenantId}/purchases
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/purchases", "purchase history", null, Map.of()));

        // ---- POST /tenants/{tenantId}/api-keys {scope, name}
        cases.addAll(commonBodyCases(PLATFORM, "POST", apiKeys, "issue key", "{\"scope\": \"consume\", \"name\": \"k\"}", Map.of()));
        cases.add(c("issue key: scope missing", PLATFORM, "POST", apiKeys, "{\"name\": \"k\"}", 400, "VALIDATION_FAILED", "scope"));
        cases.add(c("issue key: scope unknown (platform)", PLATFORM, "POST", apiKeys, "{\"scope\": \"platform\", \"name\": \"k\"}",
                400, "VALIDATION_FAILED", "scope"));
        cases.add(c("issue key: scope unknown (root)", PLATFORM, "POST", apiKeys, "{\"scope\": \"root\", \"name\": \"k\"}",
                400, "VALIDATION_FAILED", "scope"));
        cases.add(c("issue key: scope a number", PLATFORM, "POST", apiKeys, "{\"scope\": 1, \"name\": \"k\"}",
                400, "VALIDATION_FAILED", "scope"));
        cases.add(c("issue key: name missing", PLATFORM, "POST", apiKeys, "{\"scope\": \"consume\"}", 400, "VALIDATION_FAILED", "name"));
        cases.add(c("issue key: name blank", PLATFORM, "POST", apiKeys, "{\"scope\": \"consume\", \"name\": \"  \"}",
                400, "VALIDATION_FAILED", "name"));
        cases.add(c("issue key: name 101 characters", PLATFORM, "POST", apiKeys,
                "{\"scope\": \"consume\", \"name\": \"" + "k".repeat(101) + "\"}", 400, "VALIDATION_FAILED", "name"));
        cases.add(c("issue key: unknown field tenantId", PLATFORM, "POST", apiKeys,
                "{\"scope\": \"consume\", \"name\": \"k\", \"tenantId\": \"" + w.other.tenant + "\"}", 400, "VALIDATION_FAILED",
                "tenantId"));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/api-keys", "issue key", "{\"scope\": \"consume\", \"name\": \"k\"}", Map.of()));

        // ---- GET /tenants/{tenantId}/api-keys
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/api-keys", "list keys", null, Map.of()));

        // ---- DELETE /tenants/{tenantId}/api-keys/{keyId}
        cases.add(c("revoke key: malformed key id", PLATFORM, "DELETE", apiKeys + "/" + MALFORMED_UUID, null, 404, "NOT_FOUND"));
        cases.add(c("revoke key: unknown key id", PLATFORM, "DELETE", apiKeys + "/" + UNKNOWN_UUID, null, 404, "NOT_FOUND"));
        // Found by HostileInputProperties: an id that converts to nothing (blank) was a 500.
        cases.add(c("revoke key: a blank key id (%20)", PLATFORM, "DELETE", apiKeys + "/%20", null, 404, "NOT_FOUND"));
        cases.add(c("revoke key: a NUL character as key id (Tomcat refuses it)", PLATFORM, "DELETE", apiKeys + "/%00", null,
                400, "VALIDATION_FAILED"));
        cases.add(c("revoke key: another tenant's key id", PLATFORM, "DELETE", apiKeys + "/" + w.otherKeyId, null, 404,
                "NOT_FOUND"));
        cases.addAll(tenantIdCases(PLATFORM, "DELETE", "/api-keys/" + w.keyId, "revoke key", null, Map.of()));

        // ---- POST /tenants/{tenantId}/users {name, email, role, externalId?, password?}
        String newUser = "{\"name\": \"Nia New\", \"email\": \"nia@" + t.tenant.substring(0, 8) + ".example\", \"role\": \"Viewer\"}";
        cases.addAll(commonBodyCases(ADMIN, "POST", users, "register user", newUser, Map.of()));
        cases.add(c("register user: name missing", ADMIN, "POST", users, "{\"email\": \"a@b.example\", \"role\": \"Viewer\"}",
                400, "VALIDATION_FAILED", "name"));
        cases.add(c("register user: name 201 characters", ADMIN, "POST", users,
                "{\"name\": \"" + "n".repeat(201) + "\", \"email\": \"a@b.example\", \"role\": \"Viewer\"}", 400,
                "VALIDATION_FAILED", "name"));
        cases.add(c("register user: email missing", ADMIN, "POST", users, "{\"name\": \"N\", \"role\": \"Viewer\"}",
                400, "VALIDATION_FAILED", "email"));
        cases.add(c("register user: email not an address", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"nobody\", \"role\": \"Viewer\"}", 400, "VALIDATION_FAILED", "email"));
        cases.add(c("register user: email a number", ADMIN, "POST", users, "{\"name\": \"N\", \"email\": 7, \"role\": \"Viewer\"}",
                400, "VALIDATION_FAILED", "email"));
        cases.add(c("register user: email already taken", ADMIN, "POST", users,
                "{\"name\": \"Other Ada\", \"email\": \"" + t.email("Ada Funded") + "\", \"role\": \"Viewer\"}", 409,
                "EMAIL_TAKEN"));
        cases.add(c("register user: role missing", ADMIN, "POST", users, "{\"name\": \"N\", \"email\": \"a@b.example\"}",
                400, "VALIDATION_FAILED", "role"));
        cases.add(c("register user: role unknown (Owner)", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"a@b.example\", \"role\": \"Owner\"}", 400, "VALIDATION_FAILED", "role"));
        cases.add(c("register user: role a number", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"a@b.example\", \"role\": 1}", 400, "VALIDATION_FAILED", "role"));
        cases.add(c("register user: externalId 201 characters", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"a@b.example\", \"role\": \"Viewer\", \"externalId\": \"" + "e".repeat(201) + "\"}",
                400, "VALIDATION_FAILED", "externalId"));
        cases.add(c("register user: password of 7 characters", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"a@b.example\", \"role\": \"Viewer\", \"password\": \"1234567\"}",
                400, "VALIDATION_FAILED", "password"));
        // Issue 17: at least 12 characters (NIST SP 800-63B); 11 passed before.
        cases.add(c("register user: password of 11 characters", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"a@b.example\", \"role\": \"Viewer\", \"password\": \"k7#mQ2!vX9z\"}",
                400, "VALIDATION_FAILED", "password"));
        cases.add(c("register user: a common password (password1234)", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"a@b.example\", \"role\": \"Viewer\", \"password\": \"Password1234\"}",
                400, "VALIDATION_FAILED", "password"));
        cases.add(c("register user: password of 129 characters", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"a@b.example\", \"role\": \"Viewer\", \"password\": \"" + "p".repeat(129) + "\"}",
                400, "VALIDATION_FAILED", "password"));
        // Issue 17: bcrypt refuses more than 72 bytes, which was a 500; 73 ASCII bytes, and 37 two-byte characters.
        cases.add(c("register user: password of 73 bytes", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"a@b.example\", \"role\": \"Viewer\", \"password\": \"" + "p".repeat(73) + "\"}",
                400, "VALIDATION_FAILED", "password"));
        cases.add(c("register user: password of 37 characters and 74 UTF-8 bytes", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"a@b.example\", \"role\": \"Viewer\", \"password\": \"" + "\u00e9".repeat(37) + "\"}",
                400, "VALIDATION_FAILED", "password"));
        // Issue 17: with "last one wins", a validator reading the first would see another request.
        cases.add(c("register user: role given twice", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"a@b.example\", \"role\": \"Viewer\", \"role\": \"Admin\"}",
                400, "VALIDATION_FAILED", "role"));
        // Found by HostileInputProperties: PostgreSQL cannot store U+0000, which was a 500.
        cases.add(c("register user: name with a NUL character", ADMIN, "POST", users,
                "{\"name\": \"N\\u0000\", \"email\": \"a@b.example\", \"role\": \"Viewer\"}", 400, "VALIDATION_FAILED", "name"));
        cases.add(c("register user: externalId with a NUL character", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"a@b.example\", \"role\": \"Viewer\", \"externalId\": \"\\u0000\"}", 400,
                "VALIDATION_FAILED", "externalId"));
        cases.add(c("register user: unknown field active", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"a@b.example\", \"role\": \"Viewer\", \"active\": false}", 400,
                "VALIDATION_FAILED", "active"));
        cases.add(new Case("register user: blank Idempotency-Key", ADMIN, "POST", users, newUser,
                Map.of("Idempotency-Key", ""), 400, "VALIDATION_FAILED", "Idempotency-Key"));
        cases.add(new Case("register user: Idempotency-Key of 201 characters", ADMIN, "POST", users, newUser,
                Map.of("Idempotency-Key", "k".repeat(201)), 400, "VALIDATION_FAILED", "Idempotency-Key"));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/users", "register user", newUser, Map.of()));

        // ---- GET /tenants/{tenantId}/users
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/users", "list users", null, Map.of()));
        // Found by HostileInputProperties: URLs refused before any controller ran answered with Spring Boot's
        // error JSON or Tomcat's HTML page, without a code.
        cases.add(c("list users: an empty tenant id (//)", PLATFORM, "GET", "/api/v1/tenants//users", null, 400,
                "VALIDATION_FAILED"));
        cases.add(c("list users: a tenant id of ..", PLATFORM, "GET", "/api/v1/tenants/../tenants/" + t.tenant + "/users", null,
                400, "VALIDATION_FAILED"));
        cases.add(c("list users: an encoded slash in the tenant id", PLATFORM, "GET",
                "/api/v1/tenants/" + t.tenant + "%2Fx/users", null, 400, "VALIDATION_FAILED"));

        // ---- PATCH /tenants/{tenantId}/users/{userId} {name?, role?, active?}
        String bobPath = users + "/" + w.bob;
        cases.addAll(commonBodyCases(ADMIN, "PATCH", bobPath, "change user", "{\"name\": \"Bob Renamed\"}", Map.of()));
        cases.add(c("change user: name blank", ADMIN, "PATCH", bobPath, "{\"name\": \"  \"}", 400, "VALIDATION_FAILED", "name"));
        cases.add(c("change user: name 201 characters", ADMIN, "PATCH", bobPath, "{\"name\": \"" + "n".repeat(201) + "\"}",
                400, "VALIDATION_FAILED", "name"));
        cases.add(c("change user: name a number", ADMIN, "PATCH", bobPath, "{\"name\": 5}", 400, "VALIDATION_FAILED", "name"));
        cases.add(c("change user: role unknown (Owner)", ADMIN, "PATCH", bobPath, "{\"role\": \"Owner\"}", 400,
                "VALIDATION_FAILED", "role"));
        cases.add(c("change user: role a number", ADMIN, "PATCH", bobPath, "{\"role\": 0}", 400, "VALIDATION_FAILED", "role"));
        cases.add(c("change user: active the string \"false\"", ADMIN, "PATCH", bobPath, "{\"active\": \"false\"}", 400,
                "VALIDATION_FAILED", "active"));
        cases.add(c("change user: active the number 0", ADMIN, "PATCH", bobPath, "{\"active\": 0}", 400, "VALIDATION_FAILED",
                "active"));
        cases.add(c("change user: email cannot be changed (unknown field)", ADMIN, "PATCH", bobPath,
                "{\"email\": \"new@x.example\"}", 400, "VALIDATION_FAILED", "email"));
        cases.add(c("change user: malformed user id", ADMIN, "PATCH", users + "/" + MALFORMED_UUID, "{\"name\": \"X\"}", 404,
                "NOT_FOUND"));
        cases.add(c("change user: unknown user id", ADMIN, "PATCH", users + "/" + UNKNOWN_UUID, "{\"name\": \"X\"}", 404,
                "NOT_FOUND"));
        cases.add(c("change user: another tenant's user", ADMIN, "PATCH", users + "/" + w.eve, "{\"name\": \"X\"}", 404,
                "NOT_FOUND"));
        cases.addAll(tenantIdCases(PLATFORM, "PATCH", "/users/" + w.bob, "change user", "{\"name\": \"X\"}", Map.of()));

        // ---- GET /tenants/{tenantId}/users/{userId}/balance
        cases.add(c("balance: malformed user id", CONSUME, "GET", users + "/" + MALFORMED_UUID + "/balance", null, 404,
                "NOT_FOUND"));
        cases.add(c("balance: unknown user id", CONSUME, "GET", users + "/" + UNKNOWN_UUID + "/balance", null, 404,
                "NOT_FOUND"));
        cases.add(c("balance: another tenant's user", CONSUME, "GET", users + "/" + w.eve + "/balance", null, 404,
                "NOT_FOUND"));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/users/" + w.ada + "/balance", "balance", null, Map.of()));

        // ---- GET /tenants/{tenantId}/credits/summary
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/summary", "summary", null, Map.of()));

        // ---- GET /tenants/{tenantId}/credits/users: q, role, state, sort, page, size
        String table = credits + "/users";
        cases.addAll(pagingCases(ADMIN, table, "credit table"));
        cases.add(c("credit table: sort by an unknown column", ADMIN, "GET", table + "?sort=password", null, 400,
                "VALIDATION_FAILED", "sort"));
        cases.add(c("credit table: sort direction sideways", ADMIN, "GET", table + "?sort=name,sideways", null, 400,
                "VALIDATION_FAILED", "sort"));
        cases.add(c("credit table: sort with only a direction", ADMIN, "GET", table + "?sort=,desc", null, 400,
                "VALIDATION_FAILED", "sort"));
        cases.add(c("credit table: SQL in sort", ADMIN, "GET", table + "?sort=name%3B%20drop%20table%20ledger_entries", null,
                400, "VALIDATION_FAILED", "sort"));
        cases.add(c("credit table: unknown role", ADMIN, "GET", table + "?role=Owner", null, 400, "VALIDATION_FAILED", "role"));
        cases.add(c("credit table: unknown state", ADMIN, "GET", table + "?state=broke", null, 400, "VALIDATION_FAILED", "state"));
        cases.add(c("credit table: search text with a NUL character", ADMIN, "GET", table + "?q=a%00b", null, 400,
                "VALIDATION_FAILED"));
        cases.add(c("credit table: a page number that is not UTF-8", ADMIN, "GET", table + "?page=%FF", null, 400,
                "VALIDATION_FAILED"));
        cases.add(c("credit table: search text of 201 characters", ADMIN, "GET", table + "?q=" + "q".repeat(201), null, 400,
                "VALIDATION_FAILED", "q"));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/users", "credit table", null, Map.of()));

        // ---- GET /tenants/{tenantId}/credits/usage and /forecast: dates, interval, groupBy, userId, limit
        String usage = credits + "/usage";
        cases.add(c("usage: a from that is not a date", ADMIN, "GET", usage + "?from=yesterday", null, 400,
                "INVALID_DATE_RANGE", "from"));
        cases.add(c("usage: an impossible date", ADMIN, "GET", usage + "?to=2026-02-30", null, 400, "INVALID_DATE_RANGE", "to"));
        cases.add(c("usage: from after to", ADMIN, "GET", usage + "?from=2026-03-02&to=2026-03-01", null, 400,
                "INVALID_DATE_RANGE", "from"));
        cases.add(c("usage: a range of three years", ADMIN, "GET", usage + "?from=2024-01-01&to=2026-12-31", null, 400,
                "INVALID_DATE_RANGE", "to"));
        cases.add(c("usage: a year beyond 9999", ADMIN, "GET", usage + "?from=%2B100000-01-01", null, 400,
                "INVALID_DATE_RANGE", "from"));
        cases.add(c("usage: an hourly interval", ADMIN, "GET", usage + "?interval=hour", null, 400, "INVALID_INTERVAL", "interval"));
        cases.add(c("usage: grouped by password", ADMIN, "GET", usage + "?groupBy=password", null, 400, "INVALID_GROUP_BY",
                "groupBy"));
        cases.add(c("usage: limit 0", ADMIN, "GET", usage + "?limit=0", null, 400, "VALIDATION_FAILED", "limit"));
        cases.add(c("usage: limit 101", ADMIN, "GET", usage + "?limit=101", null, 400, "VALIDATION_FAILED", "limit"));
        cases.add(c("usage: limit not a number", ADMIN, "GET", usage + "?limit=ten", null, 400, "VALIDATION_FAILED", "limit"));
        cases.add(c("usage: a limit beyond int", ADMIN, "GET", usage + "?limit=99999999999999999999", null, 400,
                "VALIDATION_FAILED", "limit"));
        // %FF is no UTF-8: the admin's query is refused as unreadable; a consume key's, which the authorization rule
        // reads first to see whose usage it names, is refused there as naming nobody (it was Tomcat's error page).
        cases.add(c("usage: a query string that is not UTF-8", ADMIN, "GET", usage + "?from=%FF", null, 400,
                "VALIDATION_FAILED"));
        cases.add(c("usage: a query string that is not UTF-8, as a consume key", CONSUME, "GET", usage + "?from=%FF", null,
                403, "FORBIDDEN"));
        cases.add(c("usage: malformed userId", ADMIN, "GET", usage + "?userId=" + MALFORMED_UUID, null, 400,
                "VALIDATION_FAILED", "userId"));
        cases.add(c("usage: unknown userId", ADMIN, "GET", usage + "?userId=" + UNKNOWN_UUID, null, 404, "NOT_FOUND"));
        cases.add(c("usage: another tenant's userId", ADMIN, "GET", usage + "?userId=" + w.eve, null, 404, "NOT_FOUND"));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/usage", "usage", null, Map.of()));
        String forecast = credits + "/forecast";
        cases.add(c("forecast: limit 0", ADMIN, "GET", forecast + "?limit=0", null, 400, "VALIDATION_FAILED", "limit"));
        cases.add(c("forecast: limit 1001", ADMIN, "GET", forecast + "?limit=1001", null, 400, "VALIDATION_FAILED", "limit"));
        cases.add(c("forecast: malformed userId", ADMIN, "GET", forecast + "?userId=" + MALFORMED_UUID, null, 400,
                "VALIDATION_FAILED", "userId"));
        cases.add(c("forecast: another tenant's userId", ADMIN, "GET", forecast + "?userId=" + w.eve, null, 404, "NOT_FOUND"));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/forecast", "forecast", null, Map.of()));
        cases.add(c("credit table: unknown sort by runway spelling", ADMIN, "GET", table + "?sort=runs_out_on", null, 400,
                "VALIDATION_FAILED", "sort"));

        // ---- GET /tenants/{tenantId}/credits/assignable-users
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/assignable-users", "assignable users", null, Map.of()));

        // ---- POST assign / add / remove {credits, note?}, Idempotency-Key required
        for (String operation : List.of("assign", "add", "remove")) {
            String target = operation.equals("assign") ? w.bob : w.ada;
            String path = credits + "/users/" + target + "/" + operation;
            String valid = "{\"credits\": 1}";
            var k = key();
            cases.addAll(commonBodyCases(ADMIN, "POST", path, operation, valid, k));
            cases.addAll(amountCases(ADMIN, path, operation, "credits", BAD_CREDITS, v -> "{\"credits\": " + v + "}", k));
            cases.add(c(operation + ": credits missing", ADMIN, "POST", path, "{\"note\": \"n\"}", k, 400, "VALIDATION_FAILED",
                    "credits"));
            cases.add(c(operation + ": credits null", ADMIN, "POST", path, "{\"credits\": null}", k, 400, "VALIDATION_FAILED",
                    "credits"));
            cases.add(c(operation + ": note of 501 characters", ADMIN, "POST", path,
                    "{\"credits\": 1, \"note\": \"" + longNote + "\"}", k, 400, "VALIDATION_FAILED", "note"));
            cases.add(c(operation + ": note a number", ADMIN, "POST", path, "{\"credits\": 1, \"note\": 12}", k, 400,
                    "VALIDATION_FAILED", "note"));
            cases.add(c(operation + ": misspelt field 'credit'", ADMIN, "POST", path, "{\"credit\": 1}", k, 400,
                    "VALIDATION_FAILED", "credit"));
            cases.add(c(operation + ": unknown field userId", ADMIN, "POST", path,
                    "{\"credits\": 1, \"userId\": \"" + w.ada + "\"}", k, 400, "VALIDATION_FAILED", "userId"));
            cases.add(c(operation + ": malformed user id", ADMIN, "POST", credits + "/users/" + MALFORMED_UUID + "/" + operation,
                    valid, k, 404, "NOT_FOUND"));
            cases.add(c(operation + ": unknown user id", ADMIN, "POST", credits + "/users/" + UNKNOWN_UUID + "/" + operation,
                    valid, key(), 404, "NOT_FOUND"));
            cases.add(c(operation + ": another tenant's user", ADMIN, "POST", credits + "/users/" + w.eve + "/" + operation,
                    valid, key(), 404, "NOT_FOUND"));
            cases.addAll(idempotencyKeyCases(ADMIN, path, operation, valid));
            cases.addAll(tenantIdCases(PLATFORM, "POST", "/credits/users/" + target + "/" + operation, operation, valid, key()));
        }
        cases.add(c("assign: more than the unassigned pool", ADMIN, "POST", credits + "/users/" + w.cara + "/assign",
                "{\"credits\": 999999}", key(), 409, "INSUFFICIENT_UNASSIGNED"));
        cases.add(c("assign: to a user who already has credits", ADMIN, "POST", credits + "/users/" + w.dan + "/assign",
                "{\"credits\": 1}", key(), 409, "ALREADY_ASSIGNED"));
        cases.add(c("add: more than the unassigned pool", ADMIN, "POST", credits + "/users/" + w.dan + "/add",
                "{\"credits\": 999999}", key(), 409, "INSUFFICIENT_UNASSIGNED"));
        cases.add(c("add: to a user without credits", ADMIN, "POST", credits + "/users/" + w.cara + "/add",
                "{\"credits\": 1}", key(), 409, "NO_ALLOCATION"));
        cases.add(c("remove: more than removable", ADMIN, "POST", credits + "/users/" + w.dan + "/remove",
                "{\"credits\": 11}", key(), 409, "EXCEEDS_REMOVABLE"));
        cases.add(c("remove: from a user without credits", ADMIN, "POST", credits + "/users/" + w.cara + "/remove",
                "{\"credits\": 1}", key(), 409, "NO_ALLOCATION"));

        // ---- POST /tenants/{tenantId}/credits/bulk and /bulk.csv (their bodies may be up to 4 MiB, not 64 KiB)
        String bulk = credits + "/bulk";
        java.util.function.Function<String, String> bulkOf = item -> "{\"operation\": \"add\", \"items\": [" + item + "]}";
        String validBulk = bulkOf.apply("{\"userId\": \"" + w.ada + "\", \"credits\": 1}");
        var bk = key();
        cases.addAll(commonBodyCases(ADMIN, "POST", bulk, "bulk", validBulk, bk).stream()
                .filter(k -> !k.name().contains("64 KiB")).toList());
        String overBulkLimit = validBulk.substring(0, validBulk.length() - 1) + ", \"padding\": \""
                + "x".repeat(Limits.MAX_BULK_BODY_BYTES + 1024) + "\"}";
        cases.add(c("bulk: body above 4 MiB", ADMIN, "POST", bulk, overBulkLimit, bk, 413, "BODY_TOO_LARGE"));
        cases.add(c("bulk: body above 4 MiB, chunked", ADMIN, "POST", bulk, new Raw(overBulkLimit, "application/json", true), bk,
                413, "BODY_TOO_LARGE"));
        cases.addAll(amountCases(ADMIN, bulk, "bulk", "credits", BAD_CREDITS,
                v -> bulkOf.apply("{\"userId\": \"" + w.ada + "\", \"credits\": " + v + "}"), bk));
        cases.add(c("bulk: operation missing", ADMIN, "POST", bulk, "{\"items\": [{\"userId\": \"" + w.ada + "\", \"credits\": 1}]}",
                bk, 400, "VALIDATION_FAILED", "operation"));
        cases.add(c("bulk: operation unknown", ADMIN, "POST", bulk, validBulk.replace("\"add\"", "\"give\""), bk, 400,
                "VALIDATION_FAILED", "operation"));
        cases.add(c("bulk: no items", ADMIN, "POST", bulk, bulkOf.apply(""), bk, 400, "VALIDATION_FAILED", "items"));
        cases.add(c("bulk: 10,001 items", ADMIN, "POST", bulk,
                bulkOf.apply(String.join(",", java.util.Collections.nCopies(Ledger.MAX_BULK_ITEMS + 1,
                        "{\"userId\": \"" + w.ada + "\", \"credits\": 1}"))), bk, 400, "TOO_MANY_ROWS", "items"));
        cases.add(c("bulk: note of 501 characters", ADMIN, "POST", bulk,
                validBulk.substring(0, validBulk.length() - 1) + ", \"note\": \"" + longNote + "\"}", bk, 400,
                "VALIDATION_FAILED", "note"));
        cases.add(c("bulk: unknown field in an item", ADMIN, "POST", bulk,
                bulkOf.apply("{\"userId\": \"" + w.ada + "\", \"credits\": 1, \"surprise\": 1}"), bk, 400, "VALIDATION_FAILED",
                "surprise"));
        cases.add(c("bulk: dry run with a blank Idempotency-Key", ADMIN, "POST", bulk,
                validBulk.substring(0, validBulk.length() - 1) + ", \"dryRun\": true}", Map.of("Idempotency-Key", " "), 400,
                "VALIDATION_FAILED", "Idempotency-Key"));
        cases.add(c("bulk: an unknown e-mail and a user twice", ADMIN, "POST", bulk,
                bulkOf.apply("{\"email\": \"nobody@nowhere.example\", \"credits\": 1}, {\"userId\": \"" + w.dan
                        + "\", \"credits\": 1}, {\"email\": \"" + t.email("Dan Funded") + "\", \"credits\": 1}"),
                key(), 422, "BULK_REFUSED"));
        cases.add(c("bulk: more than removable", ADMIN, "POST", bulk, "{\"operation\": \"remove\", \"items\": [{\"userId\": \""
                + w.dan + "\", \"credits\": 11}]}", key(), 422, "BULK_REFUSED"));
        cases.addAll(idempotencyKeyCases(ADMIN, bulk, "bulk", validBulk));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/credits/bulk", "bulk", validBulk, key()));

        String bulkCsv = credits + "/bulk.csv?operation=add";
        String row = t.email("Ada Funded") + ",1,\"bulk, by file\"\n";
        java.util.function.Function<String, Raw> file = text -> new Raw(text, "text/csv", false);
        cases.add(c("bulk.csv: wrong header", ADMIN, "POST", bulkCsv, file.apply("mail,credits,note\n" + row), key(), 400, "CSV_HEADER"));
        cases.add(c("bulk.csv: header without the note column", ADMIN, "POST", bulkCsv,
                file.apply("email,credits\n" + t.email("Ada Funded") + ",1\n"), key(), 400, "CSV_HEADER"));
        cases.add(c("bulk.csv: a row without its note column", ADMIN, "POST", bulkCsv,
                file.apply("email,credits,note\n" + row + t.email("Ada Funded") + ",1\n"), key(), 400, "CSV_COLUMNS"));
        cases.add(c("bulk.csv: an amount that is not a number", ADMIN, "POST", bulkCsv,
                file.apply("email,credits,note\n" + t.email("Ada Funded") + ",ten,\n"), key(), 400, "INVALID_AMOUNT"));
        cases.add(c("bulk.csv: an amount with four decimals", ADMIN, "POST", bulkCsv,
                file.apply("email,credits,note\n" + t.email("Ada Funded") + ",1.0001,\n"), key(), 400, "INVALID_AMOUNT"));
        cases.add(c("bulk.csv: an open quote", ADMIN, "POST", bulkCsv,
                file.apply("email,credits,note\n" + t.email("Ada Funded") + ",1,\"open\n"), key(), 400, "CSV_MALFORMED"));
        cases.add(c("bulk.csv: 10,001 rows", ADMIN, "POST", bulkCsv, file.apply("email,credits,note\n" + row.repeat(10_001)),
                key(), 400, "TOO_MANY_ROWS"));
        cases.add(c("bulk.csv: a file above 4 MiB", ADMIN, "POST", bulkCsv, file.apply("email,credits,note\n"
                + row.repeat(Limits.MAX_BULK_BODY_BYTES / row.length() + 10)), key(), 413, "BODY_TOO_LARGE"));
        cases.add(c("bulk.csv: a file above 4 MiB, chunked", ADMIN, "POST", bulkCsv, new Raw("email,credits,note\n"
                + row.repeat(Limits.MAX_BULK_BODY_BYTES / row.length() + 10), "text/csv", true), key(), 413, "BODY_TOO_LARGE"));
        cases.add(c("bulk.csv: sent as JSON", ADMIN, "POST", bulkCsv, new Raw("email,credits,note\n" + row, "application/json",
                false), key(), 415, "UNSUPPORTED_MEDIA_TYPE"));
        cases.add(c("bulk.csv: sent as text/plain", ADMIN, "POST", bulkCsv, new Raw("email,credits,note\n" + row, "text/plain",
                false), key(), 415, "UNSUPPORTED_MEDIA_TYPE"));
        cases.add(c("bulk.csv: no operation", ADMIN, "POST", credits + "/bulk.csv", file.apply("email,credits,note\n" + row),
                key(), 400, "VALIDATION_FAILED", "operation"));
        cases.add(c("bulk.csv: no Idempotency-Key", ADMIN, "POST", bulkCsv, file.apply("email,credits,note\n" + row), Map.of(),
                400, "VALIDATION_FAILED", "Idempotency-Key"));
        cases.add(c("bulk.csv: an unknown e-mail", ADMIN, "POST", bulkCsv,
                file.apply("email,credits,note\nnobody@nowhere.example,1,\n"), key(), 422, "BULK_REFUSED"));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/credits/bulk.csv?operation=add", "bulk.csv",
                file.apply("email,credits,note\n" + row), key()));

        // ---- GET /tenants/{tenantId}/credits/users/{userId}/entries
        String adaEntries = credits + "/users/" + w.ada + "/entries";
        cases.addAll(pagingCases(ADMIN, adaEntries, "user history"));
        cases.add(c("user history: malformed user id", ADMIN, "GET", credits + "/users/" + MALFORMED_UUID + "/entries", null,
                404, "NOT_FOUND"));
        cases.add(c("user history: unknown user id", ADMIN, "GET", credits + "/users/" + UNKNOWN_UUID + "/entries", null,
                404, "NOT_FOUND"));
        cases.add(c("user history: another tenant's user", ADMIN, "GET", credits + "/users/" + w.eve + "/entries", null,
                404, "NOT_FOUND"));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/users/" + w.ada + "/entries", "user history", null, Map.of()));

        // ---- GET /tenants/{tenantId}/credits/entries: type, userId, page, size
        String ledgerPath = credits + "/entries";
        cases.addAll(pagingCases(ADMIN, ledgerPath, "ledger"));
        cases.add(c("ledger: unknown type", ADMIN, "GET", ledgerPath + "?type=REFUND", null, 400, "VALIDATION_FAILED", "type"));
        cases.add(c("ledger: malformed user id filter", ADMIN, "GET", ledgerPath + "?userId=" + MALFORMED_UUID, null, 400,
                "VALIDATION_FAILED", "userId"));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/entries", "ledger", null, Map.of()));

        // ---- POST /tenants/{tenantId}/consumption/authorize {requestId, userId, feature, estimate?}
        String authorize = consumption + "/authorize";
        cases.addAll(commonBodyCases(CONSUME, "POST", authorize, "authorize", consumeBody("r-new", w.ada, "canvas", null),
                Map.of()));
        cases.addAll(amountCases(CONSUME, authorize, "authorize", "estimate", BAD_CREDITS,
                v -> consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", "estimate", v), Map.of()));
        cases.addAll(consumptionFieldCases(w, authorize, "authorize", null));
        cases.add(c("authorize: feature with a NUL character", CONSUME, "POST", authorize,
                consumeBody("r-" + UUID.randomUUID(), w.ada, "can\\u0000vas", null), 400, "VALIDATION_FAILED", "feature"));
        cases.add(c("authorize: a user without credits", CONSUME, "POST", authorize,
                consumeBody("r-" + UUID.randomUUID(), w.cara, "canvas", null), 402, "NO_ALLOCATION"));
        cases.add(c("authorize: a requestId already used for another user", CONSUME, "POST", authorize,
                consumeBody(w.authorized, w.dan, "canvas", null), 422, "REQUEST_ID_REUSED"));
        cases.add(c("authorize: a requestId already used for a charge", CONSUME, "POST", authorize,
                consumeBody(w.settled, w.ada, "canvas", null), 422, "REQUEST_ID_REUSED"));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/consumption/authorize", "authorize",
                consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", null), Map.of()));

        // ---- POST /tenants/{tenantId}/consumption/charge {requestId, userId, feature, cost}
        String charge = consumption + "/charge";
        cases.addAll(commonBodyCases(CONSUME, "POST", charge, "charge", consumeBody("r-new", w.ada, "canvas", "cost", "1"),
                Map.of()));
        cases.addAll(amountCases(CONSUME, charge, "charge", "cost", BAD_COSTS,
                v -> consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", "cost", v), Map.of()));
        cases.add(c("charge: cost missing", CONSUME, "POST", charge, consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", null),
                400, "VALIDATION_FAILED", "cost"));
        cases.addAll(consumptionFieldCases(w, charge, "charge", "1"));
        cases.add(c("charge: a user without credits", CONSUME, "POST", charge,
                consumeBody("r-" + UUID.randomUUID(), w.cara, "canvas", "cost", "1"), 402, "NO_ALLOCATION"));
        cases.add(c("charge: a requestId already used for an authorization", CONSUME, "POST", charge,
                consumeBody(w.authorized, w.ada, "canvas", "cost", "1"), 422, "REQUEST_ID_REUSED"));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/consumption/charge", "charge",
                consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", "cost", "1"), Map.of()));

        chargeBatchCases(w, cases, consumption + "/charges");

        // ---- POST /tenants/{tenantId}/consumption/{requestId}/settle {cost}
        String settle = consumption + "/" + w.authorized + "/settle";
        cases.addAll(commonBodyCases(CONSUME, "POST", settle, "settle", "{\"cost\": 1}", Map.of()));
        cases.addAll(amountCases(CONSUME, settle, "settle", "cost", BAD_COSTS, v -> "{\"cost\": " + v + "}", Map.of()));
        cases.add(c("settle: cost missing", CONSUME, "POST", settle, "{}", 400, "VALIDATION_FAILED", "cost"));
        cases.add(c("settle: cost null", CONSUME, "POST", settle, "{\"cost\": null}", 400, "VALIDATION_FAILED", "cost"));
        cases.add(c("settle: unknown field userId", CONSUME, "POST", settle, "{\"cost\": 1, \"userId\": \"" + w.bob + "\"}", 400,
                "VALIDATION_FAILED", "userId"));
        cases.add(c("settle: unknown request id", CONSUME, "POST", consumption + "/r-unknown/settle", "{\"cost\": 1}", 404,
                "NOT_FOUND"));
        cases.add(c("settle: request id of 129 characters", CONSUME, "POST", consumption + "/" + "r".repeat(129) + "/settle",
                "{\"cost\": 1}", 400, "VALIDATION_FAILED"));
        cases.add(c("settle: a voided request", CONSUME, "POST", consumption + "/" + w.voided + "/settle", "{\"cost\": 1}", 409,
                "ALREADY_VOIDED"));
        cases.add(c("settle: another tenant's request id", CONSUME, "POST", w.other.base + "/consumption/" + w.authorized + "/settle",
                "{\"cost\": 1}", 404, "NOT_FOUND"));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/consumption/" + w.authorized + "/settle", "settle", "{\"cost\": 1}",
                Map.of()));

        // ---- POST /tenants/{tenantId}/consumption/{requestId}/void (no body)
        cases.add(c("void: unknown request id", CONSUME, "POST", consumption + "/r-unknown/void", null, 404, "NOT_FOUND"));
        cases.add(c("void: request id of 129 characters", CONSUME, "POST", consumption + "/" + "r".repeat(129) + "/void", null,
                400, "VALIDATION_FAILED"));
        cases.add(c("void: a settled request", CONSUME, "POST", consumption + "/" + w.settled + "/void", null, 409,
                "ALREADY_SETTLED"));
        cases.add(c("void: another tenant's request id", CONSUME, "POST", w.other.base + "/consumption/" + w.authorized + "/void",
                null, 404, "NOT_FOUND"));
        cases.add(c("void: oversized body", CONSUME, "POST", consumption + "/" + w.authorized + "/void",
                "{\"note\": \"" + tooBig + "\"}", 413, "BODY_TOO_LARGE"));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/consumption/" + w.authorized + "/void", "void", null, Map.of()));

        // ---- GET /tenants/{tenantId}/consumption/{requestId}
        cases.add(c("request state: unknown request id", CONSUME, "GET", consumption + "/r-unknown", null, 404, "NOT_FOUND"));
        cases.add(c("request state: request id of 129 characters", CONSUME, "GET", consumption + "/" + "r".repeat(129), null,
                404, "NOT_FOUND"));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/consumption/" + w.authorized, "request state", null, Map.of()));

        allowanceCases(w, cases);
        settingsCases(w, cases);
        webhookCases(w, cases);
        creditRequestCases(w, cases);
        notificationCases(w, cases);
        ssoCases(w, cases);
        return cases;
    }

    /** The webhook endpoints (API.md "Webhooks (admin)"): bad bodies, unsafe targets, unknown and foreign ids. */
    private void webhookCases(World w, List<Case> cases) {
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

    /**
     * GET /notifications and POST /notifications/read. They are a person's own: the keys here may not call them,
     * but the platform may (it has no notifications), so its bad input is checked.
     */
    private void notificationCases(World w, List<Case> cases) {
        String read = w.t.base + "/notifications/read";
        cases.addAll(commonBodyCases(PLATFORM, "POST", read, "mark read", "{\"all\": true}", Map.of()));
        cases.add(c("mark read: neither ids nor all", PLATFORM, "POST", read, "{}", 400, "VALIDATION_FAILED", "ids"));
        cases.add(c("mark read: all false", PLATFORM, "POST", read, "{\"all\": false}", 400, "VALIDATION_FAILED", "ids"));
        cases.add(c("mark read: empty ids", PLATFORM, "POST", read, "{\"ids\": []}", 400, "VALIDATION_FAILED", "ids"));
        cases.add(c("mark read: malformed id", PLATFORM, "POST", read, "{\"ids\": [\"" + MALFORMED_UUID + "\"]}", 400,
                "VALIDATION_FAILED"));
        cases.add(c("mark read: ids not a list", PLATFORM, "POST", read, "{\"ids\": \"" + UNKNOWN_UUID + "\"}", 400,
                "VALIDATION_FAILED"));
        cases.add(c("mark read: all a string", PLATFORM, "POST", read, "{\"all\": \"true\"}", 400, "VALIDATION_FAILED"));
        cases.add(c("notifications: unread=maybe", PLATFORM, "GET", w.t.base + "/notifications?unread=maybe", null, 400,
                "VALIDATION_FAILED"));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/notifications", "notifications", null, Map.of()));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/notifications/read", "mark read", "{\"all\": true}", Map.of()));
    }

    /** POST and GET /credit-requests, a user's requests, approve and decline (API.md "Credit requests"). */
    private void creditRequestCases(World w, List<Case> cases) {
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

    /** PUT, GET and DELETE /credits/users/{userId}/allowance, GET /credits/allowances, POST grant-current-period. */
    private void allowanceCases(World w, List<Case> cases) {
        String credits = w.t.base + "/credits";
        String path = credits + "/users/" + w.bob + "/allowance";
        String valid = "{\"credits\": 10, \"period\": \"MONTHLY\", \"mode\": \"RESET\"}";
        java.util.function.Function<String, String> withCredits =
                literal -> "{\"credits\": " + literal + ", \"period\": \"MONTHLY\", \"mode\": \"RESET\"}";
        for (var bad : commonBodyCases(ADMIN, "PUT", path, "set allowance", valid, Map.of())) {
            cases.add(new Case(bad.name(), bad.caller(), bad.method(), bad.path(), bad.body(), key(), bad.status(), bad.code(),
                    bad.field()));
        }
        BAD_CREDITS.forEach((name, literal) -> cases.add(c("set allowance: credits " + name, ADMIN, "PUT", path,
                withCredits.apply(literal), key(), 400, "INVALID_AMOUNT", "credits")));
        NOT_JSON_NUMBERS.forEach((name, literal) -> cases.add(c("set allowance: credits " + name + ", not JSON", ADMIN, "PUT",
                path, withCredits.apply(literal), key(), 400, "VALIDATION_FAILED")));
        cases.add(c("set allowance: credits missing", ADMIN, "PUT", path, "{\"period\": \"MONTHLY\", \"mode\": \"RESET\"}",
                key(), 400, "VALIDATION_FAILED", "credits"));
        for (var period : List.of("\"DAILY\"", "\"monthly\"", "\"\"", "null", "\"MONTHLY \"")) {
            cases.add(c("set allowance: period " + period, ADMIN, "PUT", path,
                    "{\"credits\": 10, \"period\": " + period + ", \"mode\": \"RESET\"}", key(), 400, "INVALID_PERIOD", "period"));
        }
        cases.add(c("set allowance: period missing", ADMIN, "PUT", path, "{\"credits\": 10, \"mode\": \"RESET\"}", key(), 400,
                "INVALID_PERIOD", "period"));
        cases.add(c("set allowance: period a number", ADMIN, "PUT", path,
                "{\"credits\": 10, \"period\": 1, \"mode\": \"RESET\"}", key(), 400, "VALIDATION_FAILED", "period"));
        for (var mode : List.of("\"ROLLOVER\"", "\"reset\"", "\"TOPUP\"", "null")) {
            cases.add(c("set allowance: mode " + mode, ADMIN, "PUT", path,
                    "{\"credits\": 10, \"period\": \"WEEKLY\", \"mode\": " + mode + "}", key(), 400, "INVALID_MODE", "mode"));
        }
        cases.add(c("set allowance: note too long", ADMIN, "PUT", path, "{\"credits\": 10, \"period\": \"WEEKLY\", "
                + "\"mode\": \"RESET\", \"note\": \"" + "n".repeat(Ledger.MAX_NOTE + 1) + "\"}", key(), 400, "VALIDATION_FAILED",
                "note"));
        cases.add(c("set allowance: no Idempotency-Key", ADMIN, "PUT", path, valid, Map.of(), 400, "VALIDATION_FAILED",
                "Idempotency-Key"));
        cases.add(c("set allowance: blank Idempotency-Key", ADMIN, "PUT", path, valid, Map.of("Idempotency-Key", " "), 400,
                "VALIDATION_FAILED", "Idempotency-Key"));
        for (var user : List.of(UNKNOWN_UUID, MALFORMED_UUID, w.eve)) {
            String other = credits + "/users/" + user + "/allowance";
            cases.add(c("set allowance: user " + user, ADMIN, "PUT", other, valid, key(), 404, "NOT_FOUND"));
            cases.add(c("read allowance: user " + user, ADMIN, "GET", other, null, 404, "NOT_FOUND"));
            cases.add(c("stop allowance: user " + user, ADMIN, "DELETE", other, null, key(), 404, "NOT_FOUND"));
        }
        cases.add(c("read allowance: a user without one", ADMIN, "GET", path, null, 404, "NOT_FOUND"));
        cases.add(c("stop allowance: blank Idempotency-Key", ADMIN, "DELETE", path, null, Map.of("Idempotency-Key", ""), 400,
                "VALIDATION_FAILED", "Idempotency-Key"));
        cases.addAll(tenantIdCases(PLATFORM, "PUT", "/credits/users/" + w.bob + "/allowance", "set allowance", valid, key()));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/users/" + w.bob + "/allowance", "read allowance", null, Map.of()));
        cases.addAll(tenantIdCases(PLATFORM, "DELETE", "/credits/users/" + w.bob + "/allowance", "stop allowance", null, Map.of()));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/allowances", "allowances", null, Map.of()));
        String grant = credits + "/allowances/grant-current-period";
        cases.add(c("grant current period: Idempotency-Key of 201 characters", ADMIN, "POST", grant, null,
                Map.of("Idempotency-Key", "k".repeat(201)), 400, "VALIDATION_FAILED", "Idempotency-Key"));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/credits/allowances/grant-current-period", "grant current period", null,
                Map.of()));
    }

    /** GET and PATCH /settings. */
    private void settingsCases(World w, List<Case> cases) {
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
    private void ssoCases(World w, List<Case> cases) {
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

    /**
     * POST /consumption/charges {items: [...]}: a bad body or a bad item refuses the whole batch, so each bad item
     * follows a good one that must not be applied either. An unknown user is no bad input here: it is that
     * item's REFUSED result in a 200 (ChargeBatchApiTest).
     */
    private void chargeBatchCases(World w, List<Case> cases, String charges) {
        java.util.function.Function<String, String> batch = item -> "{\"items\": ["
                + consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", "cost", "1") + ", " + item + "]}";
        String valid = batch.apply(consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", "cost", "1"));
        cases.addAll(commonBodyCases(CONSUME, "POST", charges, "charges", valid, Map.of()).stream()
                .filter(c -> !c.name().contains("64 KiB")).toList());
        // a batch may be 1 MiB (a thousand long items); above it, refused before it is read
        String big = valid.substring(0, valid.length() - 1) + ", \"padding\": \"" + "x".repeat(Limits.MAX_BATCH_BODY_BYTES) + "\"}";
        cases.add(c("charges: body above 1 MiB", CONSUME, "POST", charges, big, 413, "BODY_TOO_LARGE"));
        cases.add(c("charges: body above 1 MiB, chunked", CONSUME, "POST", charges, new Raw(big, "application/json", true),
                413, "BODY_TOO_LARGE"));
        cases.add(c("charges: items missing", CONSUME, "POST", charges, "{}", 400, "VALIDATION_FAILED", "items"));
        cases.add(c("charges: items null", CONSUME, "POST", charges, "{\"items\": null}", 400, "VALIDATION_FAILED", "items"));
        cases.add(c("charges: no items", CONSUME, "POST", charges, "{\"items\": []}", 400, "VALIDATION_FAILED", "items"));
        cases.add(c("charges: items an object", CONSUME, "POST", charges, "{\"items\": {}}", 400, "VALIDATION_FAILED", "items"));
        var tooMany = new StringBuilder("{\"items\": [");
        for (int i = 0; i <= com.aicredits.ledger.ChargeItem.MAX_PER_BATCH; i++) {
            tooMany.append(i == 0 ? "" : ", ").append(consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", "cost", "0"));
        }
        cases.add(c("charges: 1,001 items", CONSUME, "POST", charges, tooMany + "]}", 400, "VALIDATION_FAILED", "items"));
        cases.add(c("charges: an item null", CONSUME, "POST", charges, batch.apply("null"), 400, "VALIDATION_FAILED", "items[1]"));
        cases.add(c("charges: an item a number", CONSUME, "POST", charges, batch.apply("7"), 400, "VALIDATION_FAILED"));
        cases.add(c("charges: an item's cost missing", CONSUME, "POST", charges,
                batch.apply(consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", null)), 400, "VALIDATION_FAILED", "items[1].cost"));
        BAD_COSTS.forEach((name, literal) -> cases.add(c("charges: an item's cost " + name + " (" + abbreviate(literal) + ")",
                CONSUME, "POST", charges, batch.apply(consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", "cost", literal)),
                400, "INVALID_AMOUNT")));
        NOT_JSON_NUMBERS.forEach((name, literal) -> cases.add(c("charges: an item's cost " + name + ", not JSON", CONSUME,
                "POST", charges, batch.apply(consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", "cost", literal)), 400,
                "VALIDATION_FAILED")));
        // the single charge's field cases, as the second item; the batch's own checks name the item
        for (var single : consumptionFieldCases(w, charges, "charges", "1")) {
            if (single.status() != 400) {
                continue;
            }
            boolean ours = single.name().matches(".*(missing|blank|129 characters|control character|65 characters)$");
            cases.add(new Case(single.name(), single.caller(), single.method(), single.path(), batch.apply((String) single.body()),
                    single.headers(), single.status(), single.code(), ours ? "items[1]." + single.field() : single.field()));
        }
        cases.add(c("charges: an unknown field in an item", CONSUME, "POST", charges,
                batch.apply(consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", "cost", "1").replace("}", ", \"surprise\": 1}")),
                400, "VALIDATION_FAILED", "surprise"));
        cases.addAll(tenantIdCases(PLATFORM, "POST", "/consumption/charges", "charges", valid, Map.of()));
    }

    // ------------------------------------------------------------------ case families

    /** What every JSON-body endpoint must refuse: no body, empty, not JSON, the wrong JSON shape, too big. */
    private static List<Case> commonBodyCases(String caller, String method, String path, String what, String valid,
            Map<String, String> headers) {
        String big = valid.substring(0, valid.length() - 1) + ", \"padding\": \"" + "x".repeat(70 * 1024) + "\"}";
        return List.of(
                new Case(what + ": no body at all", caller, method, path, null, headers, 400, "VALIDATION_FAILED"),
                new Case(what + ": empty body", caller, method, path, "", headers, 400, "VALIDATION_FAILED"),
                new Case(what + ": JSON null", caller, method, path, "null", headers, 400, "VALIDATION_FAILED"),
                new Case(what + ": not JSON", caller, method, path, "credits=10&note=hi", headers, 400, "VALIDATION_FAILED"),
                new Case(what + ": truncated JSON", caller, method, path, valid.substring(0, valid.length() - 1), headers,
                        400, "VALIDATION_FAILED"),
                new Case(what + ": a JSON array", caller, method, path, "[" + valid + "]", headers, 400, "VALIDATION_FAILED"),
                new Case(what + ": a JSON string", caller, method, path, "\"hello\"", headers, 400, "VALIDATION_FAILED"),
                new Case(what + ": trailing tokens after the object", caller, method, path, valid + " {}", headers, 400,
                        "VALIDATION_FAILED"),
                new Case(what + ": nested 2000 levels deep", caller, method, path, "[".repeat(2000) + "]".repeat(2000), headers,
                        400, "VALIDATION_FAILED"),
                new Case(what + ": a text/plain body", caller, method, path, new Raw(valid, "text/plain", false), headers, 415,
                        "UNSUPPORTED_MEDIA_TYPE"),
                new Case(what + ": an unknown field", caller, method, path,
                        valid.substring(0, valid.length() - 1) + ", \"surprise\": 1}", headers, 400, "VALIDATION_FAILED", "surprise"),
                new Case(what + ": body above 64 KiB", caller, method, path, big, headers, 413, "BODY_TOO_LARGE"),
                new Case(what + ": body above 64 KiB, chunked", caller, method, path, new Raw(big, "application/json", true),
                        headers, 413, "BODY_TOO_LARGE"));
    }

    /** Each bad amount: INVALID_AMOUNT naming the field; and each literal that is no JSON number: VALIDATION_FAILED. */
    private static List<Case> amountCases(String caller, String path, String what, String field, Map<String, String> amounts,
            java.util.function.Function<String, String> body, Map<String, String> headers) {
        var cases = new ArrayList<Case>();
        amounts.forEach((name, literal) -> cases.add(new Case(what + ": " + field + " " + name + " (" + abbreviate(literal) + ")",
                caller, "POST", path, body.apply(literal), headers, 400, "INVALID_AMOUNT", field)));
        NOT_JSON_NUMBERS.forEach((name, literal) -> cases.add(new Case(what + ": " + field + " " + name + ", not JSON",
                caller, "POST", path, body.apply(literal), headers, 400, "VALIDATION_FAILED", null)));
        return cases;
    }

    /** The Idempotency-Key is required on purchase, assign, add and remove, with 1 to 200 characters. */
    private static List<Case> idempotencyKeyCases(String caller, String path, String what, String valid) {
        return List.of(
                new Case(what + ": no Idempotency-Key", caller, "POST", path, valid, Map.of(), 400, "VALIDATION_FAILED",
                        "Idempotency-Key"),
                new Case(what + ": blank Idempotency-Key", caller, "POST", path, valid, Map.of("Idempotency-Key", ""), 400,
                        "VALIDATION_FAILED", "Idempotency-Key"),
                new Case(what + ": Idempotency-Key of spaces", caller, "POST", path, valid, Map.of("Idempotency-Key", "   "), 400,
                        "VALIDATION_FAILED", "Idempotency-Key"),
                new Case(what + ": Idempotency-Key of 201 characters", caller, "POST", path, valid,
                        Map.of("Idempotency-Key", "k".repeat(201)), 400, "VALIDATION_FAILED", "Idempotency-Key"));
    }

    /** A malformed tenant id names nothing (404, as for the admin of another tenant); so does an unknown one. */
    private List<Case> tenantIdCases(String caller, String method, String below, String what, Object body,
            Map<String, String> headers) {
        return List.of(
                new Case(what + ": malformed tenant id", caller, method, "/api/v1/tenants/" + MALFORMED_UUID + below, body,
                        headers, 404, "NOT_FOUND"),
                new Case(what + ": tenant id with a trailing character", caller, method,
                        "/api/v1/tenants/" + UNKNOWN_UUID + "0" + below, body, headers, 404, "NOT_FOUND"),
                new Case(what + ": unknown tenant id", caller, method, "/api/v1/tenants/" + UNKNOWN_UUID + below, body,
                        headers.isEmpty() ? headers : key(), 404, "NOT_FOUND"));
    }

    private static List<Case> pagingCases(String caller, String path, String what) {
        var cases = new ArrayList<Case>();
        for (var bad : List.of("page=-1", "page=abc", "page=2147483648", "page=1.5")) {
            cases.add(c(what + ": " + bad, caller, "GET", path + "?" + bad, null, 400, "VALIDATION_FAILED", "page"));
        }
        for (var bad : List.of("size=0", "size=-1", "size=201", "size=100000", "size=abc", "size=99999999999")) {
            cases.add(c(what + ": " + bad, caller, "GET", path + "?" + bad, null, 400, "VALIDATION_FAILED", "size"));
        }
        return cases;
    }

    /** requestId, userId and feature of authorize and charge; {@code cost} null for authorize. */
    private static List<Case> consumptionFieldCases(World w, String path, String what, String cost) {
        java.util.function.Function<String, String> body = fields -> "{" + fields
                + (cost == null ? "" : ", \"cost\": " + cost) + "}";
        String rid = "\"requestId\": \"r-" + UUID.randomUUID() + "\"";
        String user = "\"userId\": \"" + w.ada + "\"";
        String feature = "\"feature\": \"canvas\"";
        var cases = new ArrayList<Case>();
        cases.add(c(what + ": requestId missing", CONSUME, "POST", path, body.apply(user + ", " + feature), 400,
                "VALIDATION_FAILED", "requestId"));
        cases.add(c(what + ": requestId blank", CONSUME, "POST", path, body.apply("\"requestId\": \"  \", " + user + ", " + feature),
                400, "VALIDATION_FAILED", "requestId"));
        cases.add(c(what + ": requestId of 129 characters", CONSUME, "POST", path,
                body.apply("\"requestId\": \"" + "r".repeat(129) + "\", " + user + ", " + feature), 400,
                "VALIDATION_FAILED", "requestId"));
        cases.add(c(what + ": requestId with a control character", CONSUME, "POST", path,
                body.apply("\"requestId\": \"r-\\u0007bell\", " + user + ", " + feature), 400, "VALIDATION_FAILED",
                "requestId"));
        cases.add(c(what + ": requestId a number", CONSUME, "POST", path,
                body.apply("\"requestId\": " + (System.nanoTime() % 1_000_000_000L) + ", " + user + ", " + feature), 400,
                "VALIDATION_FAILED", "requestId"));
        cases.add(c(what + ": userId missing", CONSUME, "POST", path, body.apply(rid + ", " + feature), 400,
                "VALIDATION_FAILED", "userId"));
        cases.add(c(what + ": userId malformed", CONSUME, "POST", path,
                body.apply(rid + ", \"userId\": \"" + MALFORMED_UUID + "\", " + feature), 400, "VALIDATION_FAILED", "userId"));
        cases.add(c(what + ": userId a number", CONSUME, "POST", path, body.apply(rid + ", \"userId\": 12, " + feature), 400,
                "VALIDATION_FAILED", "userId"));
        cases.add(c(what + ": userId unknown", CONSUME, "POST", path,
                body.apply(rid + ", \"userId\": \"" + UNKNOWN_UUID + "\", " + feature), 404, "NOT_FOUND"));
        cases.add(c(what + ": userId of another tenant", CONSUME, "POST", path,
                body.apply(rid + ", \"userId\": \"" + w.eve + "\", " + feature), 404, "NOT_FOUND"));
        cases.add(c(what + ": feature missing", CONSUME, "POST", path, body.apply(rid + ", " + user), 400,
                "VALIDATION_FAILED", "feature"));
        cases.add(c(what + ": feature blank", CONSUME, "POST", path, body.apply(rid + ", " + user + ", \"feature\": \"\""), 400,
                "VALIDATION_FAILED", "feature"));
        cases.add(c(what + ": feature of 65 characters", CONSUME, "POST", path,
                body.apply(rid + ", " + user + ", \"feature\": \"" + "f".repeat(65) + "\""), 400, "VALIDATION_FAILED",
                "feature"));
        cases.add(c(what + ": feature a boolean", CONSUME, "POST", path, body.apply(rid + ", " + user + ", \"feature\": true"),
                400, "VALIDATION_FAILED", "feature"));
        cases.add(c(what + ": unknown field tenantId", CONSUME, "POST", path,
                body.apply(rid + ", " + user + ", " + feature + ", \"tenantId\": \"" + w.other.tenant + "\""), 400,
                "VALIDATION_FAILED", "tenantId"));
        return cases;
    }

    private static String consumeBody(String requestId, String userId, String feature, Void noAmount) {
        return consumeBody(requestId, userId, feature, null, null);
    }

    private static String consumeBody(String requestId, String userId, String feature, String amountField, String amount) {
        return "{\"requestId\": \"" + requestId + "\", \"userId\": \"" + userId + "\", \"feature\": \"" + feature + "\""
                + (amountField == null ? "" : ", \"" + amountField + "\": " + amount) + "}";
    }

    private static Case c(String name, String caller, String method, String path, Object body, int status, String code) {
        return new Case(name, caller, method, path, body, Map.of(), status, code, null);
    }

    private static Case c(String name, String caller, String method, String path, Object body, Map<String, String> headers,
            int status, String code) {
        return new Case(name, caller, method, path, body, headers, status, code, null);
    }

    private static Case c(String name, String caller, String method, String path, Object body, int status, String code,
            String field) {
        return new Case(name, caller, method, path, body, Map.of(), status, code, field);
    }

    private static Case c(String name, String caller, String method, String path, Object body, Map<String, String> headers,
            int status, String code, String field) {
        return new Case(name, caller, method, path, body, headers, status, code, field);
    }

    private static Map<String, String> key() {
        return Map.of("Idempotency-Key", "bad-input-" + UUID.randomUUID());
    }

    // ------------------------------------------------------------------ running them

    private World world;

    /** One pair of tenants for the class: the cases change nothing, so they can share it. */
    private World world() {
        if (world == null) {
            world = new World();
        }
        return world;
    }

    @TestFactory
    Stream<DynamicTest> every_bad_request_is_refused_with_a_specific_problem_and_changes_nothing() {
        var w = world();
        var cases = cases(w);
        assertThat(cases.stream().map(Case::name).distinct().count()).as("case names are unique").isEqualTo(cases.size());
        // The other tenant and the tenant list are checked around each case that could reach them, and once
        // over all cases; the tenant under test around every case.
        var otherAtStart = TenantState.of(w.other);
        int tenantsAtStart = tenantCount(w);
        var afterAll = dynamicTest("after all cases: the other tenant and the list of tenants are unchanged", () -> {
            TenantState.of(w.other).assertUnchangedSince(otherAtStart, ledger, w.other.tenant, "all cases");
            assertThat(tenantCount(w)).isEqualTo(tenantsAtStart);
        });
        return Stream.concat(cases.stream().map(k -> dynamicTest(k.name(), () -> check(w, k))), Stream.of(afterAll));
    }

    private int tenantCount(World w) {
        return w.t.platform.get("/api/v1/tenants").json().size();
    }

    /** Whether a case names the other tenant or something of it, or could create a tenant. */
    private static boolean reachesBeyond(World w, Case k) {
        String text = k.path() + " " + (k.body() instanceof Raw raw ? raw.text() : String.valueOf(k.body()));
        return k.path().equals("/api/v1/tenants") || Stream.of(w.other.tenant, w.eve, w.otherKeyId).anyMatch(text::contains);
    }

    private void check(World w, Case k) {
        boolean beyond = reachesBeyond(w, k);
        var before = TenantState.of(w.t);
        var otherBefore = beyond ? TenantState.of(w.other) : null;
        int tenantsBefore = beyond ? tenantCount(w) : 0;

        Response response = send(w, k);

        String why = k.name() + " → " + response.status() + " " + abbreviate(response.text());
        assertThat(response.status()).as(why).isEqualTo(k.status());
        assertThat(response.header("Content-Type")).as(why).startsWith("application/problem+json");
        assertThat(response.code()).as(why).isEqualTo(k.code());
        if (k.field() != null) {
            var fields = new TreeSet<String>();
            response.json().path("fields").forEach(f -> fields.add(f.asString()));
            assertThat(fields).as("fields named by " + why).contains(k.field());
        }
        // The refusals that say how much the caller could have asked for.
        switch (k.code()) {
            case "INSUFFICIENT_UNASSIGNED" -> assertThat(response.json().path("unassigned").decimalValue()).as(why)
                    .isEqualByComparingTo(w.t.platform.get(w.t.base + "/credits/summary").json().get("creditsUnassigned").decimalValue());
            case "EXCEEDS_REMOVABLE" -> assertThat(response.json().path("removable").decimalValue()).as(why)
                    .isEqualByComparingTo("10");
            default -> { }
        }
        TenantState.of(w.t).assertUnchangedSince(before, ledger, w.t.tenant, k.name());
        if (beyond) {
            TenantState.of(w.other).assertUnchangedSince(otherBefore, ledger, w.other.tenant, k.name());
            assertThat(tenantCount(w)).as("tenants after " + k.name()).isEqualTo(tenantsBefore);
        }
    }

    private Response send(World w, Case k) {
        if (!(k.body() instanceof Raw raw)) {
            return w.client(k.caller()).send(k.method(), k.path(), k.body(), k.headers());
        }
        // ApiClient always sends application/json with a length; these cases need another type, or chunks.
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + k.path())).timeout(Duration.ofSeconds(30))
                .header("Content-Type", raw.contentType())
                .header("Accept", "application/json, application/problem+json")
                .header("Authorization", "Bearer " + bearerOf(w, k.caller()));
        k.headers().forEach(request::header);
        byte[] bytes = raw.text().getBytes(StandardCharsets.UTF_8);
        request.method(k.method(), raw.chunked()
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
                : HttpRequest.BodyPublishers.ofByteArray(bytes));
        try {
            var response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String bearerOf(World w, String caller) {
        return switch (caller) {
            case PLATFORM -> HttpFixture.PLATFORM_KEY;
            case ADMIN -> w.t.adminKeyText;
            case CONSUME -> w.t.consumeKeyText;
            default -> throw new IllegalArgumentException(caller);
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…(" + text.length() + " chars)";
    }

    @SafeVarargs
    private static <T> Map<T, T> orderedMap(T... keysAndValues) {
        var map = new LinkedHashMap<T, T>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Map<String, String> withAll(Map<String, String> a, Map<String, String> b) {
        var map = new LinkedHashMap<String, String>(a);
        map.putAll(b);
        return map;
    }

    // ------------------------------------------------------------------ coverage of the endpoint list

    /** Endpoints with no input at all: nothing to malform. */
    /** Endpoints that take no path ids, query parameters or body: nothing to malform. */
    private static final Set<String> INPUTLESS = Set.of("GET /api/v1/tenants", "GET /api/v1/reconciliation");

    @Test
    void every_endpoint_of_the_authorization_matrix_has_bad_input_cases() throws IOException {
        var cases = cases(world());
        var uncovered = new TreeSet<String>();
        new ClassPathResource("authorization-matrix.csv").getContentAsString(StandardCharsets.UTF_8).lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#") && !line.startsWith("method,"))
                .map(line -> line.split(",")[0] + " " + line.split(",")[1])
                .filter(endpoint -> !INPUTLESS.contains(endpoint))
                // The SCIM endpoints answer SCIM error bodies, not problems: their bad input is ScimBadInputTest's.
                .filter(endpoint -> !endpoint.contains(" /scim/"))
                .forEach(endpoint -> {
                    var pattern = java.util.regex.Pattern.compile(endpoint.replaceAll("\\{[^}]+}", "[^/]+"));
                    if (cases.stream().noneMatch(k -> pattern.matcher(k.method() + " " + k.path().replaceFirst("\\?.*$", ""))
                            .matches())) {
                        uncovered.add(endpoint);
                    }
                });
        assertThat(uncovered).as("endpoints without bad-input cases").isEmpty();
    }
}

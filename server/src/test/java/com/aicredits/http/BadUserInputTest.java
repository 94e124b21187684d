package com.aicredits.http;

import com.aicredits.TestApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestInstance;

/** Bad input on the user endpoints: registering, listing and changing users, and a user's balance. */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadUserInputTest extends BadInputTest {

    BadUserInputTest() {
        super(BadUserInputTest::cases);
    }

    static List<Case> cases(BadInputWorld w) {
        var t = w.t;
        var cases = new ArrayList<Case>();
        String users = t.base + "/users";

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
        cases.add(c("register user: email domain label of 64 characters", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"n@" + "d".repeat(64) + ".example\", \"role\": \"Viewer\"}", 400,
                "VALIDATION_FAILED", "email"));
        cases.add(c("register user: email domain label starting with a hyphen", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"n@-x.example\", \"role\": \"Viewer\"}", 400, "VALIDATION_FAILED", "email"));
        cases.add(c("register user: email domain with an empty label", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"n@x..example\", \"role\": \"Viewer\"}", 400, "VALIDATION_FAILED", "email"));
        cases.add(c("register user: email local part of 65 characters", ADMIN, "POST", users,
                "{\"name\": \"N\", \"email\": \"" + "n".repeat(65) + "@x.example\", \"role\": \"Viewer\"}", 400,
                "VALIDATION_FAILED", "email"));
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
        return cases;
    }
}

package com.aicredits.http;

import com.aicredits.TestApplication;
import com.aicredits.ledger.Ledger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestInstance;

/** Bad input on the platform's tenant endpoints: creating and listing tenants, purchases and API keys. */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadTenantInputTest extends BadInputTest {

    BadTenantInputTest() {
        super(BadTenantInputTest::cases);
    }

    static List<Case> cases(BadInputWorld w) {
        var t = w.t;
        var cases = new ArrayList<Case>();
        String tenants = "/api/v1/tenants";
        String purchases = t.base + "/purchases";
        String apiKeys = t.base + "/api-keys";
        String longNote = "n".repeat(Ledger.MAX_NOTE + 1);

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

        // ---- GET /tenants: takes no input; an id below it names no endpoint, and it takes no PUT
        cases.add(c("list tenants: PUT, a method the path does not take", PLATFORM, "PUT", tenants, "{\"name\": \"Fine\"}",
                405, "METHOD_NOT_ALLOWED"));
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
        return cases;
    }
}

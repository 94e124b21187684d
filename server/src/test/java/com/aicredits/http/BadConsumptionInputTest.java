package com.aicredits.http;

import com.aicredits.TestApplication;
import com.aicredits.api.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.TestInstance;

/** Bad input on consumption: authorize, charge, a batch of charges, settle, void and a request's state. */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadConsumptionInputTest extends BadInputTest {

    BadConsumptionInputTest() {
        super(BadConsumptionInputTest::cases);
    }

    static List<Case> cases(BadInputWorld w) {
        var t = w.t;
        var cases = new ArrayList<Case>();
        String consumption = t.base + "/consumption";
        String tooBig = "x".repeat(70 * 1024);

        // ---- POST /tenants/{tenantId}/consumption/authorize {requestId, userId, feature, estimate?}
        String authorize = consumption + "/authorize";
        cases.addAll(commonBodyCases(CONSUME, "POST", authorize, "authorize", consumeBody("r-new", w.ada, "canvas", null),
                Map.of()));
        cases.addAll(amountCases(CONSUME, authorize, "authorize", "estimate", BAD_CREDITS,
                v -> consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", "estimate", v), Map.of()));
        cases.add(c("authorize: estimate with four decimals, in words", CONSUME, "POST", authorize,
                consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", "estimate", "0.0001"), 400, "INVALID_AMOUNT", "estimate")
                .saying("estimate must have at most three decimal places"));
        cases.addAll(consumptionFieldCases(w, authorize, "authorize", null));
        cases.add(c("authorize: feature with a NUL character", CONSUME, "POST", authorize,
                consumeBody("r-" + UUID.randomUUID(), w.ada, "can\\u0000vas", null), 400, "VALIDATION_FAILED", "feature"));
        // Found by a probe on December 5: ids the settle and void paths cannot carry (the firewall refuses them there)
        // left holds nobody could release; lone surrogates were stored as "?", so two ids became one.
        for (String id : java.util.List.of("s/l-1", "pc%t", "semi;c", "back\\\\sl", ".", "..")) {
            cases.add(c("authorize: requestId " + id + " that no settle path can carry", CONSUME, "POST", authorize,
                    consumeBody(id, w.ada, "canvas", null), 400, "VALIDATION_FAILED", "requestId"));
        }
        cases.add(c("authorize: requestId with a lone surrogate", CONSUME, "POST", authorize,
                consumeBody("\\ud800x", w.ada, "canvas", null), 400, "VALIDATION_FAILED", "requestId")
                .saying("must be well-formed Unicode"));
        cases.add(c("authorize: feature with a lone surrogate", CONSUME, "POST", authorize,
                consumeBody("r-" + UUID.randomUUID(), w.ada, "\\udc00", null), 400, "VALIDATION_FAILED", "feature"));
        cases.add(c("authorize: feature with control characters", CONSUME, "POST", authorize,
                consumeBody("r-" + UUID.randomUUID(), w.ada, "a\\tb\\nc", null), 400, "VALIDATION_FAILED", "feature"));
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
        cases.add(c("charge: cost with four decimals, in words", CONSUME, "POST", charge,
                consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", "cost", "12.0005"), 400, "INVALID_AMOUNT", "cost")
                .saying("cost must have at most three decimal places"));
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
        return cases;
    }

    /**
     * POST /consumption/charges {items: [...]}: a bad body or a bad item refuses the whole batch, so each bad item
     * follows a good one that must not be applied either. An unknown user is no bad input here: it is that
     * item's REFUSED result in a 200 (ChargeBatchApiTest).
     */
    private static void chargeBatchCases(BadInputWorld w, List<Case> cases, String charges) {
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
        cases.add(c("charges: an item's requestId with a lone surrogate", CONSUME, "POST", charges,
                batch.apply(consumeBody("\\ud802z", w.ada, "canvas", "cost", "1")), 400, "VALIDATION_FAILED", "requestId@1"));
        cases.add(c("charges: an item a number", CONSUME, "POST", charges, batch.apply("7"), 400, "VALIDATION_FAILED",
                "items@1"));
        cases.add(c("charges: an item's cost missing", CONSUME, "POST", charges,
                batch.apply(consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", null)), 400, "VALIDATION_FAILED", "items[1].cost"));
        BAD_COSTS.forEach((name, literal) -> cases.add(c("charges: an item's cost " + name + " (" + abbreviate(literal) + ")",
                CONSUME, "POST", charges, batch.apply(consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", "cost", literal)),
                400, "INVALID_AMOUNT")));
        cases.add(c("charges: an item's cost with four decimals, in words", CONSUME, "POST", charges,
                batch.apply(consumeBody("r-" + UUID.randomUUID(), w.ada, "canvas", "cost", "0.0001")), 400, "INVALID_AMOUNT",
                "items[1].cost").saying("items[1].cost must have at most three decimal places"));
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

    /** requestId, userId and feature of authorize and charge; {@code cost} null for authorize. */
    private static List<Case> consumptionFieldCases(BadInputWorld w, String path, String what, String cost) {
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
}

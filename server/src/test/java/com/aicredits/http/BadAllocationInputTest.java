package com.aicredits.http;

import com.aicredits.TestApplication;
import com.aicredits.api.Limits;
import com.aicredits.ledger.Ledger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestInstance;

/** Bad input on allocating credits: assign, add and remove, bulk changes (JSON and CSV) and allowances. */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadAllocationInputTest extends BadInputTest {

    BadAllocationInputTest() {
        super(BadAllocationInputTest::cases);
    }

    static List<Case> cases(BadInputWorld w) {
        var t = w.t;
        var cases = new ArrayList<Case>();
        String credits = t.base + "/credits";
        String longNote = "n".repeat(Ledger.MAX_NOTE + 1);

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
        cases.add(c("bulk: an item a number", ADMIN, "POST", bulk, bulkOf.apply("7"), bk, 400, "VALIDATION_FAILED", "items@0"));
        cases.add(c("bulk: an item's userId malformed", ADMIN, "POST", bulk, bulkOf.apply("{\"userId\": [], \"credits\": 1}"), bk,
                400, "VALIDATION_FAILED", "userId@0"));
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
        allowanceCases(w, cases);
        return cases;
    }

    /** PUT, GET and DELETE /credits/users/{userId}/allowance, GET /credits/allowances, POST grant-current-period. */
    private static void allowanceCases(BadInputWorld w, List<Case> cases) {
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
}

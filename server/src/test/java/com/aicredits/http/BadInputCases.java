package com.aicredits.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The vocabulary of the bad-input tests ({@link BadInputTest} and its subclasses, one per area of the API): who
 * calls, a {@link Case} and the body it sends, the amounts that are never acceptable, and the families of cases
 * every endpoint of a kind must refuse.
 */
abstract class BadInputCases {

    static final String PLATFORM = "platform";
    static final String ADMIN = "admin";
    static final String CONSUME = "consume";
    static final String MALFORMED_UUID = "not-a-uuid";
    static final String UNKNOWN_UUID = "00000000-0000-4000-8000-00000000dead";

    /** A body sent exactly as written, with a Content-Type of our choice and optionally chunked (no length). */
    record Raw(String text, String contentType, boolean chunked) {
    }

    /**
     * One bad request: who sends it, where, and the status, code and (optionally) field the problem must name, and
     * words its detail must contain.
     */
    record Case(String name, String caller, String method, String path, Object body, Map<String, String> headers,
            int status, String code, String field, String words) {
        Case(String name, String caller, String method, String path, Object body, Map<String, String> headers, int status,
                String code, String field) {
            this(name, caller, method, path, body, headers, status, code, field, null);
        }

        Case(String name, String caller, String method, String path, Object body, Map<String, String> headers, int status,
                String code) {
            this(name, caller, method, path, body, headers, status, code, null);
        }

        Case saying(String detailWords) {
            return new Case(name, caller, method, path, body, headers, status, code, field, detailWords);
        }
    }

    /** Well-formed JSON that is not one object is told so, not that it is invalid JSON. */
    static final String NOT_AN_OBJECT = "JSON object";

    /** Amounts that are never acceptable, as JSON literals: each must be INVALID_AMOUNT. */
    static final Map<String, String> BAD_COSTS = orderedMap(
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
    static final Map<String, String> NOT_JSON_NUMBERS = orderedMap(
            "NaN", "NaN",
            "Infinity", "Infinity",
            "hexadecimal", "0x10",
            "with a leading plus", "+5",
            "with a leading zero", "012",
            "a 2000-digit number", "9".repeat(2000),
            "a 2000-digit fraction", "0." + "0".repeat(1999) + "1");

    /** Entered amounts (credits, estimate) must also be above zero. */
    static final Map<String, String> BAD_CREDITS = withAll(BAD_COSTS, orderedMap(
            "zero", "0",
            "zero with decimals", "0.000",
            "minus zero", "-0"));

    // ------------------------------------------------------------------ case families

    /** What every JSON-body endpoint must refuse: no body, empty, not JSON, the wrong JSON shape, too big. */
    static List<Case> commonBodyCases(String caller, String method, String path, String what, String valid,
            Map<String, String> headers) {
        String big = valid.substring(0, valid.length() - 1) + ", \"padding\": \"" + "x".repeat(70 * 1024) + "\"}";
        return List.of(
                new Case(what + ": no body at all", caller, method, path, null, headers, 400, "VALIDATION_FAILED"),
                new Case(what + ": empty body", caller, method, path, "", headers, 400, "VALIDATION_FAILED"),
                new Case(what + ": JSON null", caller, method, path, "null", headers, 400, "VALIDATION_FAILED"),
                new Case(what + ": not JSON", caller, method, path, "credits=10&note=hi", headers, 400, "VALIDATION_FAILED")
                        .saying("not valid JSON"),
                new Case(what + ": truncated JSON", caller, method, path, valid.substring(0, valid.length() - 1), headers,
                        400, "VALIDATION_FAILED"),
                new Case(what + ": a JSON array", caller, method, path, "[" + valid + "]", headers, 400, "VALIDATION_FAILED")
                        .saying(NOT_AN_OBJECT),
                new Case(what + ": an empty JSON array", caller, method, path, "[]", headers, 400, "VALIDATION_FAILED")
                        .saying(NOT_AN_OBJECT),
                new Case(what + ": a JSON string", caller, method, path, "\"hello\"", headers, 400, "VALIDATION_FAILED")
                        .saying(NOT_AN_OBJECT),
                new Case(what + ": trailing tokens after the object", caller, method, path, valid + " {}", headers, 400,
                        "VALIDATION_FAILED").saying(NOT_AN_OBJECT),
                new Case(what + ": nested 2000 levels deep", caller, method, path, "[".repeat(2000) + "]".repeat(2000), headers,
                        400, "VALIDATION_FAILED"),
                new Case(what + ": a text/plain body", caller, method, path, new Raw(valid, "text/plain", false), headers, 415,
                        "UNSUPPORTED_MEDIA_TYPE"),
                // JSON is also YAML: read as YAML, it would skip the strict JSON rules (unknown and repeated fields)
                new Case(what + ": a YAML body", caller, method, path, new Raw(valid, "application/yaml", false), headers, 415,
                        "UNSUPPORTED_MEDIA_TYPE"),
                new Case(what + ": an unknown field", caller, method, path,
                        valid.substring(0, valid.length() - 1) + ", \"surprise\": 1}", headers, 400, "VALIDATION_FAILED", "surprise"),
                new Case(what + ": body above 64 KiB", caller, method, path, big, headers, 413, "BODY_TOO_LARGE"),
                new Case(what + ": body above 64 KiB, chunked", caller, method, path, new Raw(big, "application/json", true),
                        headers, 413, "BODY_TOO_LARGE"));
    }

    /** Each bad amount: INVALID_AMOUNT naming the field; and each literal that is no JSON number: VALIDATION_FAILED. */
    static List<Case> amountCases(String caller, String path, String what, String field, Map<String, String> amounts,
            java.util.function.Function<String, String> body, Map<String, String> headers) {
        var cases = new ArrayList<Case>();
        amounts.forEach((name, literal) -> cases.add(new Case(what + ": " + field + " " + name + " (" + abbreviate(literal) + ")",
                caller, "POST", path, body.apply(literal), headers, 400, "INVALID_AMOUNT", field)));
        NOT_JSON_NUMBERS.forEach((name, literal) -> cases.add(new Case(what + ": " + field + " " + name + ", not JSON",
                caller, "POST", path, body.apply(literal), headers, 400, "VALIDATION_FAILED", null)));
        return cases;
    }

    /** The Idempotency-Key is required on purchase, assign, add and remove, with 1 to 200 characters. */
    static List<Case> idempotencyKeyCases(String caller, String path, String what, String valid) {
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
    static List<Case> tenantIdCases(String caller, String method, String below, String what, Object body,
            Map<String, String> headers) {
        return List.of(
                new Case(what + ": malformed tenant id", caller, method, "/api/v1/tenants/" + MALFORMED_UUID + below, body,
                        headers, 404, "NOT_FOUND"),
                new Case(what + ": tenant id with a trailing character", caller, method,
                        "/api/v1/tenants/" + UNKNOWN_UUID + "0" + below, body, headers, 404, "NOT_FOUND"),
                new Case(what + ": unknown tenant id", caller, method, "/api/v1/tenants/" + UNKNOWN_UUID + below, body,
                        headers.isEmpty() ? headers : key(), 404, "NOT_FOUND"));
    }

    static List<Case> pagingCases(String caller, String path, String what) {
        var cases = new ArrayList<Case>();
        for (var bad : List.of("page=-1", "page=abc", "page=2147483648", "page=1.5")) {
            cases.add(c(what + ": " + bad, caller, "GET", path + "?" + bad, null, 400, "VALIDATION_FAILED", "page"));
        }
        for (var bad : List.of("size=0", "size=-1", "size=201", "size=100000", "size=abc", "size=99999999999")) {
            cases.add(c(what + ": " + bad, caller, "GET", path + "?" + bad, null, 400, "VALIDATION_FAILED", "size"));
        }
        return cases;
    }

    static Case c(String name, String caller, String method, String path, Object body, int status, String code) {
        return new Case(name, caller, method, path, body, Map.of(), status, code, null);
    }

    static Case c(String name, String caller, String method, String path, Object body, Map<String, String> headers,
            int status, String code) {
        return new Case(name, caller, method, path, body, headers, status, code, null);
    }

    static Case c(String name, String caller, String method, String path, Object body, int status, String code,
            String field) {
        return new Case(name, caller, method, path, body, Map.of(), status, code, field);
    }

    static Case c(String name, String caller, String method, String path, Object body, Map<String, String> headers,
            int status, String code, String field) {
        return new Case(name, caller, method, path, body, headers, status, code, field);
    }

    static Map<String, String> key() {
        return Map.of("Idempotency-Key", "bad-input-" + UUID.randomUUID());
    }

    static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…(" + text.length() + " chars)";
    }

    @SafeVarargs
    static <T> Map<T, T> orderedMap(T... keysAndValues) {
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
}

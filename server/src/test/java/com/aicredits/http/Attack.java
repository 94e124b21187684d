package com.aicredits.http;

import static com.aicredits.http.HostileJson.abbreviate;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One hostile request. {@code body} null sends none; {@code contentType} null sends no Content-Type.
 * {@code seed} is the seed it was generated from: {@code -Dhostile.seed=} sends this very request again.
 */
record Attack(long seed, ApiOperation operation, String caller, Fault fault, String target, String path, String query,
        Map<String, String> headers, byte[] body, String contentType, boolean chunked) {

    /**
     * The part of a request made hostile. A mutating request always has one the service must refuse; NONE
     * and QUERY only for reads (GET), which may succeed but must not change anything either.
     */
    enum Fault {
        NONE, PATH, QUERY, BODY_SHAPE, UNKNOWN_FIELD, DUPLICATE_KEY, FIELD_VALUE, CONTENT_TYPE, IDEMPOTENCY_KEY
    }

    String uri() {
        return path + (query.isEmpty() ? "" : "?" + query);
    }

    boolean mentions(String text) {
        return uri().contains(text) || headers.values().stream().anyMatch(v -> v.contains(text))
                || body != null && new String(body, StandardCharsets.UTF_8).contains(text);
    }

    @Override
    public String toString() {
        String text = body == null ? "(no body)" : abbreviate(new String(body, StandardCharsets.UTF_8));
        return operation.method() + " " + abbreviate(uri()) + " as " + caller + ", fault " + fault
                + (target.isEmpty() ? "" : " in " + target) + ", headers " + abbreviateValues(headers)
                + ", Content-Type " + contentType + (chunked ? " (chunked)" : "") + ", body " + text;
    }

    private static String abbreviateValues(Map<String, String> headers) {
        return headers.entrySet().stream().map(e -> e.getKey() + "=" + abbreviate(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}

package com.aicredits.http;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One operation of the served OpenAPI document: its parameters and, when it takes a JSON body, the body's
 * fields. Read from the document, so an endpoint added later is attacked too without touching the test.
 */
record ApiOperation(String method, String path, List<Param> params, List<Field> body, boolean csv) {

    record Field(String name, String type, String format) {
    }

    record Param(String name, String in, boolean required) {
    }

    /** The SCIM endpoints: a scim key's, answering SCIM error bodies (RFC 7644) instead of problems. */
    boolean scim() {
        return path.startsWith("/scim/");
    }

    boolean mutating() {
        return !method.equals("GET");
    }

    boolean takesBody() {
        return body != null;
    }

    /** Takes a CSV file ({@code text/csv}) as its body, e.g. a bulk change. */
    boolean takesCsv() {
        return csv;
    }

    List<String> pathVariables() {
        return params.stream().filter(p -> p.in().equals("path")).map(Param::name).toList();
    }

    List<String> queryParameters() {
        return params.stream().filter(p -> p.in().equals("query")).map(Param::name).toList();
    }

    /** Null when the operation does not read an Idempotency-Key. */
    Param idempotencyKey() {
        return params.stream().filter(p -> p.in().equals("header") && p.name().equalsIgnoreCase("Idempotency-Key"))
                .findFirst().orElse(null);
    }

    @Override
    public String toString() {
        return method + " " + path;
    }

    /** Every operation of the served document, with its parameters and its JSON body's fields. */
    static List<ApiOperation> of(JsonNode docs) {
        var operations = new ArrayList<ApiOperation>();
        docs.get("paths").properties().forEach(path -> path.getValue().properties().forEach(entry -> {
            JsonNode operation = entry.getValue();
            var params = new ArrayList<Param>();
            operation.path("parameters").forEach(p -> params.add(
                    new Param(p.get("name").asString(), p.get("in").asString(), p.path("required").asBoolean(false))));
            List<Field> body = null;
            JsonNode content = operation.path("requestBody").path("content");
            JsonNode schema = content.has("application/scim+json") ? content.path("application/scim+json").path("schema")
                    : content.path("application/json").path("schema");
            if (!schema.isMissingNode()) {
                if (schema.has("$ref")) {
                    String name = schema.get("$ref").asString().replace("#/components/schemas/", "");
                    schema = docs.path("components").path("schemas").path(name);
                }
                body = new ArrayList<>();
                for (var property : schema.path("properties").properties()) {
                    // A nested object is a reference to its own schema.
                    body.add(new Field(property.getKey(), property.getValue().has("$ref") ? "object"
                            : property.getValue().path("type").asString("string"),
                            property.getValue().path("format").asString(null)));
                }
            }
            boolean csv = !operation.path("requestBody").path("content").path("text/csv").isMissingNode();
            operations.add(new ApiOperation(entry.getKey().toUpperCase(), path.getKey(), List.copyOf(params),
                    body == null ? null : List.copyOf(body), csv));
        }));
        return List.copyOf(operations);
    }
}

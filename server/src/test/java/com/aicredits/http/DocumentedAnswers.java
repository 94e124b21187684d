package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The served OpenAPI document's promise about an answer: a 2xx JSON body must match the schema the document gives
 * that operation, status and media type (JSON Schema 2020-12, OpenAPI 3.1's dialect): every required field there,
 * no null where the field may not be null, the documented types and values. What a generated client would trip on.
 */
final class DocumentedAnswers {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final JsonNode document;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    DocumentedAnswers(int port) {
        var docs = ApiClient.anonymous(port).get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        this.document = docs.json();
    }

    /** {@code path}: the document's path template, e.g. {@code /api/v1/tenants/{tenantId}/users}. */
    void check(String method, String path, ApiClient.Response answer) {
        if (answer.status() / 100 != 2 || answer.text().isEmpty()) {
            return;
        }
        String mediaType = answer.header("Content-Type").split(";")[0].strip();
        JsonNode documented = document.path("paths").path(path).path(method.toLowerCase())
                .path("responses").path(Integer.toString(answer.status())).path("content").path(mediaType).path("schema");
        assertThat(documented.isMissingNode()).as("%s %s documents its %d answer as %s", method, path, answer.status(),
                mediaType).isFalse();
        var errors = schemas.computeIfAbsent(method + " " + path + " " + answer.status() + " " + mediaType,
                key -> schemaOf(documented)).validate(answer.json());
        assertThat(errors).as("%s %s answered %d %s, which does not match its documented schema %s", method, path,
                answer.status(), abbreviated(answer.text()), documented).isEmpty();
    }

    /** The answer's schema, with the document's components beside it so that its references resolve. */
    private Schema schemaOf(JsonNode documented) {
        ObjectNode root = JsonMapper.shared().createObjectNode();
        root.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
        root.set("components", document.path("components"));
        root.putArray("allOf").add(documented);
        return REGISTRY.getSchema(root);
    }

    private static String abbreviated(String text) {
        return text.length() > 600 ? text.substring(0, 600) + "…" : text;
    }
}

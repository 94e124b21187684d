package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import com.aicredits.access.ApiKeyScope;
import com.aicredits.directory.Role;
import com.aicredits.ledger.EntryType;
import com.aicredits.ledger.RequestState;
import com.aicredits.requests.CreditRequest;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.Period;
import com.aicredits.webhooks.Delivery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** What the served OpenAPI document says about answers and credentials, against what the service does. */
@TestApplication
class ServedOpenApiTest {

    @LocalServerPort int port;

    private JsonNode docs() {
        var docs = ApiClient.anonymous(port).get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        return docs.json();
    }

    @Test
    void the_yaml_form_of_the_document_is_served_to_anyone_like_the_json_form() throws Exception {
        var yaml = ApiClient.anonymous(port).send("GET", "/v3/api-docs.yaml", null, Map.of("Accept", "*/*"));

        assertThat(yaml.status()).as(yaml.header("Location")).isEqualTo(200);
        assertThat(yaml.header("Content-Type")).startsWith("application/vnd.oai.openapi");
        var served = new TreeSet<String>();
        io.swagger.v3.core.util.Yaml.mapper().readTree(yaml.text()).get("paths").fieldNames().forEachRemaining(served::add);
        var json = new TreeSet<String>();
        docs().get("paths").propertyNames().forEach(json::add);
        assertThat(served).isNotEmpty().isEqualTo(json);
    }

    @Test
    void the_session_scheme_names_the_cookie_a_sign_in_sets() {
        var t = new HttpFixture(port);
        t.user("Sam Session", "Viewer");
        var signIn = ApiClient.anonymous(port).sendForm("/login", "username="
                + URLEncoder.encode(t.email("Sam Session"), StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(HttpFixture.PASSWORD, StandardCharsets.UTF_8));
        assertThat(signIn.status()).isEqualTo(302);
        String cookie = signIn.header("Set-Cookie");
        assertThat(cookie).contains("=");

        assertThat(docs().at("/components/securitySchemes/session/name").asString())
                .isEqualTo(cookie.substring(0, cookie.indexOf('=')));
    }

    @Test
    void filing_a_credit_request_documents_the_conflict_of_one_already_pending() {
        var responses = docs().at("/paths/~1api~1v1~1tenants~1{tenantId}~1credit-requests/post/responses");

        assertThat(responses.path("409").path("description").asString()).contains("REQUEST_PENDING");
    }

    /**
     * A credit request as API.md shows it ({id, userId, credits, reason, status, createdAt}, and once decided granted,
     * decidedBy, decidedAt), with the fields the service adds (API.md allows additions): the person's name and e-mail,
     * who filed it and the decision's note.
     */
    private static final Set<String> CREDIT_REQUEST = Set.of("id", "userId", "credits", "reason", "status", "createdAt",
            "granted", "decidedBy", "decidedAt", "name", "email", "filedBy", "note");

    @Test
    void the_credit_request_endpoints_document_a_credit_request_not_a_consumption_request() {
        var docs = docs();
        String requests = "/api/v1/tenants/{tenantId}/credit-requests";
        assertThat(fields(docs, answer(docs, "post", requests, "201"))).isEqualTo(CREDIT_REQUEST);
        assertThat(fields(docs, answer(docs, "post", requests + "/{id}/approve", "200"))).isEqualTo(CREDIT_REQUEST);
        assertThat(fields(docs, answer(docs, "post", requests + "/{id}/decline", "200"))).isEqualTo(CREDIT_REQUEST);
        assertThat(fields(docs, items(docs, answer(docs, "get", requests, "200")))).isEqualTo(CREDIT_REQUEST);
        assertThat(fields(docs, items(docs, answer(docs, "get", "/api/v1/tenants/{tenantId}/users/{userId}/credit-requests",
                "200")))).isEqualTo(CREDIT_REQUEST);
    }

    @Test
    void a_bulk_change_documents_its_rows_as_before_and_after_figures() {
        var docs = docs();
        for (String path : Set.of("/api/v1/tenants/{tenantId}/credits/bulk", "/api/v1/tenants/{tenantId}/credits/bulk.csv")) {
            var preview = answer(docs, "post", path, "200");
            assertThat(fields(docs, preview)).as(path)
                    .contains("applied", "unassignedBefore", "unassignedAfter", "rows");
            var row = resolve(docs, resolve(docs, preview).path("properties").path("rows").path("items"));
            assertThat(fields(docs, row)).as(path).isEqualTo(Set.of("userId", "email", "before", "after"));
            for (String figures : Set.of("before", "after")) {
                assertThat(fields(docs, row.path("properties").path(figures))).as(path + " " + figures)
                        .isEqualTo(Set.of("assigned", "consumed", "remaining"));
            }
        }
    }

    /**
     * A generated client may count on an answer's field being there, and on it not being null unless the document
     * says it may be: a user's row always has its figures, but may have no allowance and no day it runs out.
     * (Whether the answers keep that promise: every successful answer of the authorization matrix is checked against
     * its schema, {@link DocumentedAnswers}.)
     */
    @Test
    void answers_require_their_fields_and_say_which_may_be_null() {
        var schemas = docs().path("components").path("schemas");
        var row = schemas.path("RowJson");
        var required = new TreeSet<String>();
        row.path("required").valueStream().forEach(field -> required.add(field.asString()));
        assertThat(required).contains("userId", "email", "assigned", "consumed", "remaining", "held", "active")
                .doesNotContain("allowance", "runsOutOn");
        assertThat(row.path("properties").path("runsOutOn").path("type").valueStream().map(JsonNode::asString))
                .containsExactlyInAnyOrder("string", "null");
        assertThat(row.path("properties").path("allowance").path("anyOf").valueStream()
                .map(choice -> choice.has("$ref") ? choice.path("$ref").asString() : choice.path("type").asString()))
                .containsExactlyInAnyOrder("#/components/schemas/TermsJson", "null");
        // read from requests too, where every field may be left out
        assertThat(schemas.path("AlertsJson").has("required")).isFalse();
        assertThat(schemas.path("AlertsJson").path("properties").path("poolUnassignedBelow").path("type").valueStream()
                .map(JsonNode::asString)).containsExactlyInAnyOrder("number", "null");
    }

    private record Enumerated(String schema, String property, Class<? extends Enum<?>> values) {
    }

    /**
     * Fields with a fixed set of values list them, as the Java enums name them (what the service writes, and the only
     * values it reads): a generated client gets an enum, not a string to guess at.
     */
    @Test
    void fields_with_a_fixed_set_of_values_list_them() {
        var docs = docs();
        var fields = List.of(
                new Enumerated("UserJson", "role", Role.class), new Enumerated("NewUserBody", "role", Role.class),
                new Enumerated("UserChangeBody", "role", Role.class), new Enumerated("RowJson", "role", Role.class),
                new Enumerated("KeyJson", "scope", ApiKeyScope.class), new Enumerated("IssuedJson", "scope", ApiKeyScope.class),
                new Enumerated("NewKeyBody", "scope", ApiKeyScope.class),
                new Enumerated("TermsJson", "period", Period.class), new Enumerated("TermsJson", "mode", AllowanceMode.class),
                new Enumerated("AllowanceBody", "period", Period.class),
                new Enumerated("AllowanceBody", "mode", AllowanceMode.class),
                new Enumerated("AllowanceJson", "period", Period.class),
                new Enumerated("AllowanceJson", "mode", AllowanceMode.class),
                new Enumerated("DefaultTermsJson", "period", Period.class),
                new Enumerated("DefaultTermsJson", "mode", AllowanceMode.class),
                new Enumerated("EntryJson", "type", EntryType.class),
                new Enumerated("RequestJson", "status", RequestState.Status.class),
                new Enumerated("CreditRequestJson", "status", CreditRequest.Status.class),
                new Enumerated("DeliveryView", "status", Delivery.Status.class));
        for (var field : fields) {
            var schema = docs.path("components").path("schemas").path(field.schema());
            assertThat(schema.isMissingNode()).as(field.schema()).isFalse();
            var listed = new ArrayList<String>();
            resolve(docs, schema.path("properties").path(field.property())).path("enum")
                    .forEach(value -> listed.add(value.asString()));
            assertThat(listed).as(field.schema() + "." + field.property()).containsExactlyElementsOf(
                    Arrays.stream(field.values().getEnumConstants()).map(Enum::name).toList());
        }
    }

    /** The JSON schema of an operation's answer with this status. */
    private static JsonNode answer(JsonNode docs, String method, String path, String status) {
        var operation = docs.path("paths").path(path).path(method);
        assertThat(operation.isMissingNode()).as(method + " " + path).isFalse();
        return resolve(docs, operation.path("responses").path(status).path("content").path("application/json").path("schema"));
    }

    /** The schema of the elements of a page's or list's {@code items}. */
    private static JsonNode items(JsonNode docs, JsonNode page) {
        return resolve(docs, resolve(docs, page).path("properties").path("items").path("items"));
    }

    private static Set<String> fields(JsonNode docs, JsonNode schema) {
        var names = new TreeSet<String>();
        resolve(docs, schema).path("properties").propertyNames().forEach(names::add);
        return names;
    }

    /** The schema a {@code $ref} points at (#/components/schemas/…), or the schema itself. */
    private static JsonNode resolve(JsonNode docs, JsonNode schema) {
        String ref = schema.path("$ref").asString("");
        return ref.isEmpty() ? schema : resolve(docs, docs.at(ref.substring(1)));
    }

    @Test
    void every_operation_that_takes_an_idempotency_key_documents_the_key_in_use_and_reused() {
        var undocumented = new TreeSet<String>();
        docs().get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            boolean takesKey = operation.getValue().path("parameters").valueStream()
                    .anyMatch(p -> "header".equals(p.path("in").asString()) && "Idempotency-Key".equals(p.path("name").asString()));
            var responses = operation.getValue().path("responses");
            if (takesKey && (!responses.path("409").path("description").asString().contains("IDEMPOTENCY_KEY_IN_USE")
                    || !responses.path("422").path("description").asString().contains("IDEMPOTENCY_KEY_REUSED"))) {
                undocumented.add(operation.getKey().toUpperCase() + " " + path.getKey());
            }
        }));
        assertThat(undocumented).isEmpty();
    }

    /**
     * API.md: "Every mutating call accepts Idempotency-Key". The consumption calls are idempotent on their requestId
     * instead, and SCIM (not under /api/v1) follows its own protocol.
     */
    @Test
    void every_mutating_call_of_the_api_takes_an_idempotency_key() {
        var without = new TreeSet<String>();
        var mutating = new TreeSet<String>();
        docs().get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            String method = operation.getKey().toUpperCase();
            if (!Set.of("POST", "PUT", "PATCH", "DELETE").contains(method) || !path.getKey().startsWith("/api/v1/")
                    || path.getKey().contains("/consumption/")) {
                return;
            }
            mutating.add(method + " " + path.getKey());
            boolean takesKey = operation.getValue().path("parameters").valueStream()
                    .anyMatch(p -> "header".equals(p.path("in").asString()) && "Idempotency-Key".equals(p.path("name").asString()));
            if (!takesKey) {
                without.add(method + " " + path.getKey());
            }
        }));
        assertThat(mutating).as("the calls checked").contains("PATCH /api/v1/tenants/{tenantId}/users/{userId}",
                "POST /api/v1/tenants/{tenantId}/notifications/read", "PUT /api/v1/tenants/{tenantId}/sso",
                "POST /api/v1/tenants/{tenantId}/api-keys").hasSizeGreaterThan(25);
        assertThat(without).isEmpty();
    }

    /** Every refusal of the API is an RFC 9457 problem with a code, and the document types it as one. */
    @Test
    void every_refusal_of_the_api_is_documented_as_a_problem() {
        var untyped = new TreeSet<String>();
        docs().get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation ->
                operation.getValue().path("responses").properties().forEach(response -> {
                    var content = response.getValue().path("content");
                    if (path.getKey().startsWith("/api/v1/") && response.getKey().matches("[45]\\d\\d")
                            && (content.size() != 1 || !content.path("application/problem+json").path("schema").has("$ref"))) {
                        untyped.add(operation.getKey().toUpperCase() + " " + path.getKey() + " " + response.getKey());
                    }
                })));
        assertThat(untyped).isEmpty();
    }

    /**
     * A probe of December 5 validated 655 answers against the document: a body too large or of another media type
     * answered statuses no operation declared, and a bulk refusal's rows had no place in the problem's schema.
     */
    @Test
    void a_body_s_refusals_and_a_problem_s_rows_are_documented() {
        var docs = docs();
        var undeclared = new TreeSet<String>();
        docs.get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            if (path.getKey().startsWith("/api/v1/") && operation.getValue().has("requestBody")) {
                for (String status : new String[] {"413", "415"}) {
                    if (!operation.getValue().path("responses").has(status)) {
                        undeclared.add(operation.getKey().toUpperCase() + " " + path.getKey() + " " + status);
                    }
                }
            }
        }));
        assertThat(undeclared).isEmpty();
        var paths = docs.get("paths");
        assertThat(paths.path("/api/v1/tenants/{tenantId}/consumption/charges").path("post").path("responses").path("413")
                .path("description").asString()).endsWith("over 1024 KiB");
        assertThat(paths.path("/api/v1/tenants/{tenantId}/credits/bulk").path("post").path("responses").path("413")
                .path("description").asString()).endsWith("over 4096 KiB");
        assertThat(paths.path("/api/v1/tenants/{tenantId}/purchases").path("post").path("responses").path("413")
                .path("description").asString()).endsWith("over 64 KiB");
        var problem = docs.path("components").path("schemas").path("Problem").path("properties");
        assertThat(problem.has("index")).isTrue();
        assertThat(problem.path("errors").path("items").path("properties").has("code")).isTrue();
    }

    /** A query parameter read as text to refuse it in words is still documented as what it holds. */
    @Test
    void query_numbers_dates_and_ids_are_typed_as_such() {
        var mistyped = new TreeSet<String>();
        var checked = new TreeSet<String>();
        Map<String, String> expected = Map.of("limit", "integer", "count", "integer", "startIndex", "integer",
                "page", "integer", "size", "integer", "userId", "uuid", "from", "date", "to", "date");
        docs().get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation ->
                operation.getValue().path("parameters").valueStream().filter(p -> "query".equals(p.path("in").asString()))
                        .filter(p -> expected.containsKey(p.path("name").asString())).forEach(p -> {
                            String name = p.path("name").asString();
                            var schema = p.path("schema");
                            String type = "string".equals(schema.path("type").asString()) && schema.has("format")
                                    ? schema.path("format").asString() : schema.path("type").asString();
                            checked.add(name);
                            if (!expected.get(name).equals(type)) {
                                mistyped.add(operation.getKey().toUpperCase() + " " + path.getKey() + " " + name + ": " + type);
                            }
                        })));
        assertThat(checked).contains("limit", "count", "startIndex", "userId", "from");
        assertThat(mistyped).isEmpty();
    }
}

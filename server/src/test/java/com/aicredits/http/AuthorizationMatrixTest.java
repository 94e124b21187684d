package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every endpoint × every kind of caller, from {@code authorization-matrix.csv}. Each cell is one test that
 * sends a well-formed request (fresh users, keys and requests, so no cell depends on another) and checks
 * the status, and a successful answer against the schema the served OpenAPI document gives it. A second test
 * keeps the file honest against that document.
 */
@TestApplication
class AuthorizationMatrixTest {

    private static final String FILE = "authorization-matrix.csv";

    @LocalServerPort int port;

    @TestFactory
    Stream<DynamicTest> each_caller_gets_the_status_the_matrix_says_on_each_endpoint() {
        var t = new HttpFixture(port);
        var other = new HttpFixture(port);
        String planner = t.user("Pat Planner", "Planner");
        t.user("Vic Viewer", "Viewer");
        t.user("Ada Admin", "Admin");
        t.purchase("1000000");
        var documented = new DocumentedAnswers(port);
        return Matrix.cells(FILE, Matrix.callers(t, other), row -> prepare(t, planner, row), (row, response) -> {
            // the refusals the security filters write themselves are UTF-8 too
            assertThat(response.declaresUtf8()).as("UTF-8: " + response.header("Content-Type")).isTrue();
            documented.check(row.method(), row.path(), response);
        });
    }

    /** A well-formed request for the row, on fresh state where the call would change something. */
    private Matrix.Request prepare(HttpFixture t, String planner, Matrix.Row row) {
        var key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
        String path = row.path().replace("{tenantId}", t.tenant);
        return switch (row.method() + " " + row.path().replaceFirst("^/api/v1/tenants(/\\{tenantId})?", "")) {
            case "POST " -> new Matrix.Request(path, Map.of("name", "New tenant"), Map.of());
            case "GET " -> new Matrix.Request(path, null, Map.of());
            case "POST /purchases" -> new Matrix.Request(path, Map.of("credits", 10, "reference", "PO-x"), key);
            case "POST /api-keys" -> new Matrix.Request(path, Map.of("scope", "consume", "name", "k"), Map.of());
            case "DELETE /api-keys/{keyId}" -> new Matrix.Request(path.replace("{keyId}", newKeyId(t)), null, Map.of());
            case "POST /users" -> new Matrix.Request(path, Map.of("name", "N", "email", UUID.randomUUID() + "@x.example",
                    "role", "Viewer"), Map.of());
            case "PATCH /users/{userId}" -> new Matrix.Request(path.replace("{userId}", t.user(fresh(), "Viewer")),
                    Map.of("name", "Renamed"), Map.of());
            case "GET /users/{userId}/balance", "GET /credits/users/{userId}/entries" ->
                    new Matrix.Request(path.replace("{userId}", planner), null, Map.of());
            // the Planner's own usage and runway: the Planner may read them, the Viewer (someone else's) may not
            case "GET /credits/usage", "GET /credits/forecast" -> new Matrix.Request(path + "?userId=" + planner, null, Map.of());
            case "POST /credits/users/{userId}/assign" -> new Matrix.Request(path.replace("{userId}", t.user(fresh(), "Viewer")),
                    Map.of("credits", 5), key);
            case "POST /credits/users/{userId}/add", "POST /credits/users/{userId}/remove" ->
                    new Matrix.Request(path.replace("{userId}", funded(t)), Map.of("credits", 1), key);
            case "POST /credits/bulk" -> new Matrix.Request(path, Map.of("operation", "add",
                    "items", List.of(Map.of("userId", funded(t), "credits", 1)), "note", "bulk"), key);
            case "POST /credits/bulk.csv" -> new Matrix.Request(path + "?operation=add", "email,credits,note\n"
                    + fundedEmail(t) + ",1,\"bulk, by file\"\n", Map.of("Idempotency-Key", fresh(), "Content-Type", "text/csv"));
            case "POST /consumption/authorize" -> new Matrix.Request(path, Map.of("requestId", fresh(), "userId", funded(t),
                    "feature", "canvas"), Map.of());
            case "POST /consumption/charge" -> new Matrix.Request(path, Map.of("requestId", fresh(), "userId", funded(t),
                    "feature", "canvas", "cost", 1), Map.of());
            case "POST /consumption/charges" -> new Matrix.Request(path, Map.of("items", List.of(Map.of("requestId", fresh(),
                    "userId", funded(t), "feature", "canvas", "cost", 1))), Map.of());
            case "POST /consumption/{requestId}/settle" -> new Matrix.Request(path.replace("{requestId}", authorized(t)),
                    Map.of("cost", 1), Map.of());
            case "POST /consumption/{requestId}/void", "GET /consumption/{requestId}" ->
                    new Matrix.Request(path.replace("{requestId}", authorized(t)), null, Map.of());
            case "POST /scim/v2/Users" -> new Matrix.Request(path, Map.of("userName", fresh() + "@scim.example",
                    "displayName", "Provisioned"), Map.of());
            case "GET /scim/v2/ResourceTypes/{id}" -> new Matrix.Request(path.replace("{id}", "User"), null, Map.of());
            case "GET /scim/v2/Schemas/{id}" -> new Matrix.Request(path.replace("{id}", "urn:ietf:params:scim:schemas:core:2.0:User"),
                    null, Map.of());
            case "GET /scim/v2/Users/{id}", "DELETE /scim/v2/Users/{id}" ->
                    new Matrix.Request(path.replace("{id}", t.user(fresh(), "Viewer")), null, Map.of());
            case "PUT /scim/v2/Users/{id}" -> {
                String name = fresh();
                yield new Matrix.Request(path.replace("{id}", t.user(name, "Viewer")), Map.of("userName", t.email(name),
                        "displayName", "Replaced"), Map.of());
            }
            case "PATCH /scim/v2/Users/{id}" -> new Matrix.Request(path.replace("{id}", t.user(fresh(), "Viewer")),
                    Map.of("schemas", List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"), "Operations",
                            List.of(Map.of("op", "replace", "path", "displayName", "value", "Patched"))), Map.of());
            case "PATCH /settings" -> new Matrix.Request(path, Map.of("reclaimOnDeactivate", true), Map.of());
            case "PUT /sso" -> new Matrix.Request(path, SSO, Map.of());
            case "GET /sso", "DELETE /sso" -> {
                assertThat(t.platform.send("PUT", path, SSO, Map.of()).status()).isEqualTo(200);
                yield new Matrix.Request(path, null, Map.of());
            }
            case "PUT /credits/users/{userId}/allowance" -> new Matrix.Request(path.replace("{userId}", t.user(fresh(), "Viewer")),
                    Map.of("credits", 5, "period", "MONTHLY", "mode", "RESET"), key);
            case "GET /credits/users/{userId}/allowance", "DELETE /credits/users/{userId}/allowance" ->
                    new Matrix.Request(path.replace("{userId}", withAllowance(t)), null, Map.of());
            case "POST /credits/allowances/grant-current-period" -> new Matrix.Request(path, null, Map.of());
            case "POST /webhooks" -> new Matrix.Request(path, Map.of("url", "https://hooks.example.invalid/matrix",
                    "events", List.of("*")), Map.of());
            case "PATCH /webhooks/{id}" -> new Matrix.Request(path.replace("{id}", webhook(t)), Map.of("enabled", false), Map.of());
            case "DELETE /webhooks/{id}", "POST /webhooks/{id}/test", "GET /webhooks/{id}/deliveries" ->
                    new Matrix.Request(path.replace("{id}", webhook(t)), null, Map.of());
            case "POST /webhooks/{id}/deliveries/{deliveryId}/resend" -> {
                String webhook = webhook(t);
                var test = t.platform.post(t.base + "/webhooks/" + webhook + "/test", null);
                assertThat(test.status()).as(test.text()).isEqualTo(202);
                yield new Matrix.Request(path.replace("{id}", webhook).replace("{deliveryId}",
                        test.json().get("deliveryId").asString()), null, Map.of());
            }
            // The request names a user who is not the caller: a Planner or Viewer may file for themselves only.
            case "POST /credit-requests" -> new Matrix.Request(path, Map.of("credits", 5, "reason", "r", "userId",
                    t.user(fresh(), "Viewer")), Map.of());
            case "GET /users/{userId}/credit-requests" -> new Matrix.Request(path.replace("{userId}", planner), null, Map.of());
            case "POST /credit-requests/{id}/approve", "POST /credit-requests/{id}/decline" ->
                    new Matrix.Request(path.replace("{id}", pendingRequest(t)), Map.of(), key);
            case "POST /notifications/read" -> new Matrix.Request(path, Map.of("all", true), Map.of());
            default -> {
                if (row.method().equals("GET")) {
                    yield new Matrix.Request(path, null, Map.of());
                }
                throw new IllegalStateException("no request recipe for " + row.method() + " " + row.path());
            }
        };
    }

    private static final Map<String, Object> SSO = Map.of("issuer", "https://login.example.com/tenant/v2.0",
            "clientId", "matrix-client", "clientSecret", "matrix-secret");

    private static String fresh() {
        return UUID.randomUUID().toString();
    }

    private static String funded(HttpFixture t) {
        String user = t.user(fresh(), "Planner");
        t.assign(user, "10");
        return user;
    }

    private static String withAllowance(HttpFixture t) {
        String user = t.user(fresh(), "Planner");
        var response = t.platform.send("PUT", t.base + "/credits/users/" + user + "/allowance",
                Map.of("credits", 2, "period", "WEEKLY", "mode", "TOP_UP"), Map.of("Idempotency-Key", fresh()));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return user;
    }

    /** A fresh webhook endpoint of the tenant (pointing at a name that resolves nowhere). */
    private static String webhook(HttpFixture t) {
        var created = t.platform.post(t.base + "/webhooks", Map.of("url", "https://hooks.example.invalid/" + fresh(),
                "events", List.of("credits.assigned")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    /** The e-mail of a user with credits: a CSV names users by e-mail. */
    private static String fundedEmail(HttpFixture t) {
        String name = fresh();
        t.assign(t.user(name, "Planner"), "10");
        return t.email(name);
    }

    private static String authorized(HttpFixture t) {
        String request = fresh();
        var response = t.consumer().post(t.base + "/consumption/authorize",
                Map.of("requestId", request, "userId", funded(t), "feature", "canvas"));
        assertThat(response.status()).isEqualTo(201);
        return request;
    }

    private static String pendingRequest(HttpFixture t) {
        var response = t.platform.post(t.base + "/credit-requests", Map.of("credits", 5, "reason", "matrix",
                "userId", t.user(fresh(), "Viewer")));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    private static String newKeyId(HttpFixture t) {
        return t.platform.post(t.base + "/api-keys", Map.of("scope", "consume", "name", "to-revoke")).json().get("id").asString();
    }

    @Test
    void the_matrix_lists_exactly_the_endpoints_of_the_served_openapi_document() {
        var docs = ApiClient.anonymous(port).get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        var served = new TreeSet<String>();
        docs.json().get("paths").properties().forEach(path -> path.getValue().properties().forEach(
                operation -> served.add(operation.getKey().toUpperCase() + " " + path.getKey())));
        var listed = new TreeSet<String>();
        Matrix.rows(FILE).forEach(row -> listed.add(row.method() + " " + row.path()));
        assertThat(listed).as("rows of authorization-matrix.csv").isEqualTo(served);
    }
}

package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.aicredits.TestApplication;
import com.aicredits.ledger.Ledger;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bad input on every SCIM endpoint with a valid scim key: each case is answered with the specific 4xx as an
 * RFC 7644 error body (application/scim+json, with scimType where RFC 7644 names one), and both tenants are
 * exactly as they were, with balances that reconcile.
 */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScimBadInputTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PATCH_OP = "\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]";

    /** What a person cannot act on in an error's detail: Java names, parser and framework internals. */
    private static final Pattern INTERNALS = Pattern.compile("\\b(com|org|java|javax|jakarta|tools)\\.[a-z]+\\.|[`$]"
            + "|Exception|Source:|REDACTED|StreamReadFeature|JsonToken|line: \\d|column: \\d|\\(index \\d|creator|POJO"
            + "|type id|static resource|Cannot (deserialize|construct)");

    @LocalServerPort int port;
    @Autowired Ledger ledger;

    record Case(String name, String method, String path, String body, String contentType, int status,
            String scimType) {

        /** The endpoint as the OpenAPI document and the authorization matrix name it. */
        String endpoint() {
            return method + " " + path.replaceFirst("\\?.*$", "").replaceFirst("^(/scim/v2/\\w+)/[^/]+$", "$1/{id}");
        }
    }

    static List<Case> cases(String ada, String eve) {
        String users = "/scim/v2/Users";
        String one = users + "/" + ada;
        String json = "application/scim+json";
        var cases = new ArrayList<Case>(List.of(
                // the list: filters the service cannot search, and paging values that are not integers
                new Case("filter that does not parse", "GET", users + "?filter=" + enc("userName eq"), null, null, 400, "invalidFilter"),
                new Case("filter on an attribute not searched", "GET", users + "?filter=" + enc("title eq \"x\""), null, null, 400, "invalidFilter"),
                new Case("filter with gt", "GET", users + "?filter=" + enc("userName gt \"a\""), null, null, 400, "invalidFilter"),
                new Case("filter with not", "GET", users + "?filter=" + enc("not (userName eq \"a\")"), null, null, 400, "invalidFilter"),
                new Case("filter comparing userName with a number", "GET", users + "?filter=" + enc("userName eq 42"), null, null, 400, "invalidFilter"),
                // (refused by the parser or before it, by the firewall: either way a SCIM 400)
                new Case("filter with a NUL", "GET", users + "?filter=" + enc("userName eq \"a\u0000\""), null, null, 400, null),
                new Case("filter of another schema", "GET", users + "?filter=" + enc("urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq \"x\""), null, null, 400, "invalidFilter"),
                new Case("filter too long", "GET", users + "?filter=" + enc("userName co \"" + "a".repeat(1_000) + "\""), null, null, 400, "invalidFilter"),
                new Case("startIndex not a number", "GET", users + "?startIndex=abc", null, null, 400, "invalidValue"),
                new Case("count beyond 32 bits", "GET", users + "?count=2147483648", null, null, 400, "invalidValue"),
                // one user: ids that are not this tenant's users
                new Case("id not a uuid", "GET", users + "/not-a-uuid", null, null, 404, null),
                new Case("id of another tenant's user", "GET", users + "/" + eve, null, null, 404, null),
                new Case("unknown id, PUT", "PUT", users + "/00000000-0000-4000-8000-00000000dead", "{\"userName\":\"x@y.example\"}", json, 404, null),
                new Case("another tenant's user, PATCH", "PATCH", users + "/" + eve,
                        "{" + PATCH_OP + ",\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":false}]}", json, 404, null),
                new Case("another tenant's user, DELETE", "DELETE", users + "/" + eve, null, null, 404, null),
                new Case("no such path", "GET", users + "/" + ada + "/extra", null, null, 404, null),
                new Case("POST to one user", "POST", one, "{}", json, 405, null),
                new Case("DELETE the list of users", "DELETE", users, null, null, 405, null),
                new Case("PUT the service provider's configuration", "PUT", "/scim/v2/ServiceProviderConfig", "{}", json, 405, null)));
        for (String method : List.of("POST", "PUT")) {
            String path = method.equals("POST") ? users : one;
            cases.addAll(List.of(
                    new Case(method + " without a body", method, path, null, json, 400, "invalidSyntax"),
                    new Case(method + " not JSON", method, path, "userName=x", json, 400, "invalidSyntax"),
                    new Case(method + " a list", method, path, "[{\"userName\":\"x@y.example\"}]", json, 400, "invalidSyntax"),
                    new Case(method + " trailing garbage", method, path, "{\"userName\":\"x@y.example\"} {}", json, 400, "invalidSyntax"),
                    new Case(method + " a name given twice", method, path,
                            "{\"userName\":\"x@y.example\",\"userName\":\"" + "ada" + "@evil.example\"}", json, 400, "invalidSyntax"),
                    new Case(method + " as text/plain", method, path, "{\"userName\":\"x@y.example\"}", "text/plain", 415, null),
                    new Case(method + " in UTF-16", method, path, "{\"userName\":\"x@y.example\"}", "application/json; charset=UTF-16", 415, null),
                    new Case(method + " without userName", method, path, "{\"displayName\":\"No Name\"}", json, 400, "invalidValue"),
                    new Case(method + " userName not an e-mail", method, path, "{\"userName\":\"not-an-email\"}", json, 400, "invalidValue"),
                    new Case(method + " userName a number", method, path, "{\"userName\":42}", json, 400, "invalidValue"),
                    new Case(method + " userName with a NUL", method, path, "{\"userName\":\"a\\u0000@y.example\"}", json, 400, "invalidValue"),
                    new Case(method + " active not a boolean", method, path, "{\"userName\":\"x@y.example\",\"active\":\"maybe\"}", json, 400, "invalidValue"),
                    new Case(method + " an unknown role", method, path, "{\"userName\":\"x@y.example\",\"roles\":[{\"value\":\"Owner\"}]}", json, 400, "invalidValue"),
                    new Case(method + " name not an object", method, path, "{\"userName\":\"x@y.example\",\"name\":\"Ada\"}", json, 400, "invalidValue"),
                    new Case(method + " a name too long", method, path, "{\"userName\":\"x@y.example\",\"displayName\":\"" + "x".repeat(201) + "\"}", json, 400, "invalidValue"),
                    new Case(method + " externalId too long", method, path, "{\"userName\":\"x@y.example\",\"externalId\":\"" + "x".repeat(201) + "\"}", json, 400, "invalidValue"),
                    new Case(method + " schemas without the User schema", method, path, "{\"schemas\":[\"urn:x\"],\"userName\":\"x@y.example\"}", json, 400, "invalidValue"),
                    new Case(method + " an e-mail another user has", method, path, "{\"userName\":\"bob@" + "%DOMAIN%" + "\"}", json, 409, "uniqueness"),
                    new Case(method + " over 64 KiB", method, path, "{\"userName\":\"x@y.example\",\"padding\":\"" + "p".repeat(70 * 1024) + "\"}", json, 413, null)));
        }
        cases.addAll(List.of(
                new Case("PATCH without a body", "PATCH", one, null, json, 400, "invalidSyntax"),
                new Case("PATCH without Operations", "PATCH", one, "{" + PATCH_OP + "}", json, 400, "invalidSyntax"),
                new Case("PATCH with no operation", "PATCH", one, "{" + PATCH_OP + ",\"Operations\":[]}", json, 400, "invalidSyntax"),
                new Case("PATCH an unknown op", "PATCH", one, "{" + PATCH_OP + ",\"Operations\":[{\"op\":\"move\",\"path\":\"active\"}]}", json, 400, "invalidSyntax"),
                new Case("PATCH a path that does not parse", "PATCH", one, "{" + PATCH_OP + ",\"Operations\":[{\"op\":\"replace\",\"path\":\"emails[type eq\",\"value\":\"x\"}]}", json, 400, "invalidPath"),
                new Case("PATCH active to a non-boolean", "PATCH", one, "{" + PATCH_OP + ",\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":\"maybe\"}]}", json, 400, "invalidValue"),
                new Case("PATCH an unknown role", "PATCH", one, "{" + PATCH_OP + ",\"Operations\":[{\"op\":\"add\",\"path\":\"roles\",\"value\":[{\"value\":\"Owner\"}]}]}", json, 400, "invalidValue"),
                new Case("PATCH userName to a number", "PATCH", one, "{" + PATCH_OP + ",\"Operations\":[{\"op\":\"replace\",\"path\":\"userName\",\"value\":42}]}", json, 400, "invalidValue"),
                new Case("PATCH the e-mail to another user's", "PATCH", one, "{" + PATCH_OP + ",\"Operations\":[{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"bob@%DOMAIN%\"}]}", json, 409, "uniqueness"),
                new Case("PATCH with schemas of a resource", "PATCH", one, "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":false}]}", json, 400, "invalidSyntax"),
                new Case("PATCH as text/plain", "PATCH", one, "{" + PATCH_OP + ",\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":false}]}", "text/plain", 415, null),
                new Case("PATCH an op that is not a string", "PATCH", one, patch("{\"op\":1,\"path\":\"active\",\"value\":false}"), json, 400, "invalidSyntax"),
                new Case("PATCH a path that is not a string", "PATCH", one, patch("{\"op\":\"replace\",\"path\":42,\"value\":\"x\"}"), json, 400, "invalidPath"),
                new Case("PATCH a path deeper than sub-attributes", "PATCH", one, patch("{\"op\":\"replace\",\"path\":\"name.givenName.x\",\"value\":\"x\"}"), json, 400, "invalidPath"),
                new Case("PATCH a path key that does not parse", "PATCH", one, patch("{\"op\":\"replace\",\"value\":{\"emails[type eq\":\"x\"}}"), json, 400, "invalidPath"),
                new Case("PATCH replace without a value", "PATCH", one, patch("{\"op\":\"replace\",\"path\":\"displayName\"}"), json, 400, "invalidSyntax"),
                new Case("PATCH add of an empty object", "PATCH", one, patch("{\"op\":\"add\",\"value\":{}}"), json, 400, "invalidSyntax"),
                new Case("PATCH without a path, not an object", "PATCH", one, patch("{\"op\":\"replace\",\"value\":\"Ada\"}"), json, 400, "invalidSyntax"),
                new Case("PATCH remove without a path", "PATCH", one, patch("{\"op\":\"remove\"}"), json, 400, "noTarget"),
                new Case("PATCH remove by value", "PATCH", one, patch("{\"op\":\"Remove\",\"path\":\"roles\",\"value\":[{\"value\":\"Planner\"}]}"), json, 400, "invalidSyntax"),
                new Case("PATCH a filter that matches nothing", "PATCH", one, patch("{\"op\":\"replace\",\"path\":\"emails[type eq \\\"home\\\"].value\",\"value\":\"x@y.example\"}"), json, 400, "noTarget"),
                new Case("PATCH remove userName", "PATCH", one, patch("{\"op\":\"remove\",\"path\":\"userName\"}"), json, 400, "mutability"),
                new Case("PATCH remove active", "PATCH", one, patch("{\"op\":\"remove\",\"path\":\"active\"}"), json, 400, "mutability"),
                new Case("PATCH remove emails", "PATCH", one, patch("{\"op\":\"remove\",\"path\":\"emails\"}"), json, 400, "mutability"),
                // discovery: ids that are not served
                new Case("unknown schema", "GET", "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group", null, null, 404, null),
                new Case("unknown resource type", "GET", "/scim/v2/ResourceTypes/Group", null, null, 404, null)));
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> each_bad_scim_request_is_a_specific_scim_error_and_changes_nothing() {
        var t = new HttpFixture(port);
        var other = new HttpFixture(port);
        String ada = t.user("Ada", "Planner");
        t.user("Bob", "Viewer");
        t.purchase("100");
        t.assign(ada, "10");
        String eve = other.user("Eve", "Planner");
        String key = t.key("scim");
        String domain = t.email("Bob").substring(t.email("Bob").indexOf('@') + 1);
        return cases(ada, eve).stream().map(c -> dynamicTest(c.name(), () -> {
            var before = TenantState.of(t);
            var otherBefore = TenantState.of(other);
            var response = send(key, c.method(), c.path(), c.body() == null ? null : c.body().replace("%DOMAIN%", domain),
                    c.contentType());
            String why = c.name() + ": " + response.statusCode() + " " + response.body();
            assertThat(response.statusCode()).as(why).isEqualTo(c.status());
            assertThat(response.headers().firstValue("Content-Type").orElse("")).as(why).startsWith("application/scim+json");
            JsonNode error = JSON.readTree(response.body());
            assertThat(error.path("schemas").path(0).asString()).as(why).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
            assertThat(error.path("status").asString()).as(why).isEqualTo(String.valueOf(c.status()));
            if (c.scimType() != null) {
                assertThat(error.path("scimType").asString()).as(why).isEqualTo(c.scimType());
            }
            assertThat(error.path("detail").asString()).as(why).isNotBlank().doesNotContainPattern(INTERNALS);
            if (c.status() == 405) {
                // RFC 9110 §15.5.6: the answer names the methods the path does take.
                var allowed = List.of(response.headers().firstValue("Allow").orElse("").split("\\s*,\\s*"));
                assertThat(allowed).as(why).contains("GET").doesNotContain(c.method());
            }
            TenantState.of(t).assertUnchangedSince(before, ledger, t.tenant, c.name());
            TenantState.of(other).assertUnchangedSince(otherBefore, ledger, other.tenant, c.name());
        }));
    }

    @Test
    void every_scim_endpoint_of_the_authorization_matrix_has_bad_input_cases() throws IOException {
        var covered = new TreeSet<String>();
        cases("a", "e").forEach(c -> covered.add(c.endpoint()));
        var endpoints = new ClassPathResource("authorization-matrix.csv").getContentAsString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains(",/scim/") && !line.startsWith("#"))
                .map(line -> line.split(",")[0] + " " + line.split(",")[1])
                // the discovery endpoints take no input at all
                .filter(endpoint -> !endpoint.matches("GET /scim/v2/(ServiceProviderConfig|ResourceTypes|Schemas)"))
                .toList();
        assertThat(endpoints).isNotEmpty();
        assertThat(covered).containsAll(endpoints);
    }

    private java.net.http.HttpResponse<String> send(String key, String method, String path, String body, String contentType) {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + key).header("Accept", "application/scim+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String patch(String operation) {
        return "{" + PATCH_OP + ",\"Operations\":[" + operation + "]}";
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @SuppressWarnings("unused")
    private static final Map<String, String> NONE = Map.of();
}

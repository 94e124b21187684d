package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The served OpenAPI marks a body's field required exactly when the call refuses to go without it: each field of a
 * well-formed body is left out in turn, on fresh state, and the answer says whether the call needed it (400) or not
 * (done as before). A generated client then makes exactly those fields mandatory.
 */
@TestApplication
class RequiredFieldsTest {

    @LocalServerPort int port;

    @TestFactory
    Stream<DynamicTest> a_body_documents_as_required_exactly_the_fields_the_call_cannot_go_without() {
        var w = new WellFormed.Tenants(port);
        var docs = ApiClient.anonymous(port).get("/v3/api-docs").json();
        return WellFormed.endpoints(w).entrySet().stream().map(endpoint -> dynamicTest(endpoint.getKey(), () -> {
            var sample = endpoint.getValue().get();
            var needed = new TreeSet<String>();
            for (String field : sample.body().keySet()) {
                var without = endpoint.getValue().get().sendWithout(field);
                String why = endpoint.getKey() + " without " + field + " → " + without.status() + " " + without.text();
                if (without.status() == 400) {
                    needed.add(field);
                } else {
                    assertThat(without.status()).as(why).isBetween(200, 201);
                }
            }
            assertThat(documented(docs, sample.method(), sample.path())).as(endpoint.getKey() + ": required")
                    .isEqualTo(needed);
        }));
    }

    /** The {@code required} list of the JSON body schema of the operation the path is an instance of. */
    private static Set<String> documented(JsonNode docs, String method, String path) {
        var paths = docs.path("paths");
        String template = StreamSupport.stream(paths.propertyNames().spliterator(), false)
                .filter(t -> path.matches(t.replaceAll("\\{[^}]+}", "[^/]+")))
                .filter(t -> !paths.path(t).path(method.toLowerCase()).isMissingNode())
                // "/consumption/charge" is itself, not an instance of "/consumption/{requestId}"
                .min(Comparator.comparingLong(t -> t.chars().filter(c -> c == '{').count()))
                .orElseThrow(() -> new AssertionError("no operation documents " + method + " " + path));
        var schema = paths.path(template).path(method.toLowerCase()).path("requestBody").path("content")
                .path("application/json").path("schema");
        String ref = schema.path("$ref").asString("");
        if (!ref.isEmpty()) {
            schema = docs.at(ref.substring(1));
        }
        var required = new TreeSet<String>();
        schema.path("required").forEach(name -> required.add(name.asString()));
        return required;
    }
}

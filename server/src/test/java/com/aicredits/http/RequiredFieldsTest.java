package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
 * (done as before); so is each field of a list's items (a bulk change refuses such a row with 422 BULK_REFUSED).
 * A generated client then makes exactly those fields mandatory.
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
            assertThat(required(body(docs, sample))).as(endpoint.getKey() + ": required").isEqualTo(needed);
            // the fields of a list's items (a batch's charges, a bulk change's rows), each left out of the one item
            for (var list : sample.body().entrySet()) {
                if (list.getValue() instanceof List<?> items && items.getFirst() instanceof Map<?, ?> item) {
                    var neededInItems = new TreeSet<String>();
                    for (Object field : item.keySet()) {
                        var without = endpoint.getValue().get().sendWithoutInItem(list.getKey(), (String) field);
                        String why = endpoint.getKey() + " with an item without " + field + " → " + without.status() + " "
                                + without.text();
                        // a bulk change refuses a row it cannot apply with 422 BULK_REFUSED, naming the row
                        if (without.status() == 400 || without.status() == 422
                                && "BULK_REFUSED".equals(without.json().path("code").asString())) {
                            neededInItems.add((String) field);
                        } else {
                            assertThat(without.status()).as(why).isBetween(200, 201);
                        }
                    }
                    var itemSchema = resolve(docs, body(docs, sample).path("properties").path(list.getKey()).path("items"));
                    assertThat(required(itemSchema)).as(endpoint.getKey() + ": required in " + list.getKey())
                            .isEqualTo(neededInItems);
                }
            }
        }));
    }

    /** The JSON body schema of the operation the request's path is an instance of. */
    private static JsonNode body(JsonNode docs, WellFormed.Request request) {
        var paths = docs.path("paths");
        String method = request.method().toLowerCase();
        String template = StreamSupport.stream(paths.propertyNames().spliterator(), false)
                .filter(t -> request.path().matches(t.replaceAll("\\{[^}]+}", "[^/]+")))
                .filter(t -> !paths.path(t).path(method).isMissingNode())
                // "/consumption/charge" is itself, not an instance of "/consumption/{requestId}"
                .min(Comparator.comparingLong(t -> t.chars().filter(c -> c == '{').count()))
                .orElseThrow(() -> new AssertionError("no operation documents " + method + " " + request.path()));
        return resolve(docs, paths.path(template).path(method).path("requestBody").path("content")
                .path("application/json").path("schema"));
    }

    private static JsonNode resolve(JsonNode docs, JsonNode schema) {
        String ref = schema.path("$ref").asString("");
        return ref.isEmpty() ? schema : docs.at(ref.substring(1));
    }

    private static Set<String> required(JsonNode schema) {
        var required = new TreeSet<String>();
        schema.path("required").forEach(name -> required.add(name.asString()));
        return required;
    }
}

package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;

/**
 * The served OpenAPI document describes the SCIM endpoints as they answer: the success status the authorization
 * matrix's scim key gets, every status a caller or a bad input gets, each error as a SCIM error body
 * (application/scim+json) and never as the API's problem details, and a bearer key as the only credential.
 */
@TestApplication
class ScimOpenApiTest {

    @LocalServerPort int port;

    @Test
    void each_scim_operation_documents_the_statuses_and_bodies_it_answers() throws IOException {
        JsonNode docs = ApiClient.anonymous(port).get("/v3/api-docs").json();
        var rows = new ClassPathResource("authorization-matrix.csv").getContentAsString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains(",/scim/") && !line.startsWith("#")).toList();
        assertThat(rows).isNotEmpty();
        for (String row : rows) {
            var cells = row.split(",");
            String endpoint = cells[0] + " " + cells[1];
            // A bearer key (the scim key) only: the SCIM paths take no sign-in session.
            assertThat(operation(docs, endpoint).path("security").toString()).as(endpoint).isEqualTo("[{\"apiKey\":[]}]");
            JsonNode responses = operation(docs, endpoint).path("responses");
            var documented = new TreeSet<String>();
            responses.properties().forEach(response -> documented.add(response.getKey()));
            // The matrix's last column is the scim key's: the one success this endpoint answers.
            String success = cells[cells.length - 1];
            assertThat(documented.stream().filter(status -> status.startsWith("2"))).as(endpoint + ": " + responses)
                    .containsExactly(success);
            for (int i = 2; i < cells.length; i++) {
                assertThat(documented).as(endpoint + ": every caller's status").contains(cells[i]);
            }
            for (String status : documented) {
                JsonNode content = responses.get(status).path("content");
                if (status.startsWith("2")) {
                    assertThat(content.isMissingNode() || content.has("application/scim+json")).as(endpoint + " " + status).isTrue();
                    continue;
                }
                assertThat(content.propertyNames()).as(endpoint + " " + status).containsExactly("application/scim+json");
                assertThat(content.get("application/scim+json").path("schema").path("$ref").asString())
                        .as(endpoint + " " + status).isEqualTo("#/components/schemas/ScimError");
            }
        }
        for (var c : ScimBadInputTest.cases("ada", "eve")) {
            JsonNode operation = docs.path("paths").path(c.endpoint().split(" ")[1]).path(c.method().toLowerCase(Locale.ROOT));
            if (!operation.isMissingNode()) {
                assertThat(operation.path("responses").has(String.valueOf(c.status()))).as(c.name() + " answers " + c.status()).isTrue();
            }
        }
        var created = operation(docs, "POST /scim/v2/Users").path("responses").path("201");
        assertThat(created.path("headers").has("Location")).as(created.toString()).isTrue();
        assertThat(operation(docs, "DELETE /scim/v2/Users/{id}").path("responses").path("204").has("content")).isFalse();
        assertThat(docs.path("components").path("schemas").path("ScimError").path("properties").propertyNames())
                .contains("schemas", "status", "scimType", "detail");
    }

    private static JsonNode operation(JsonNode docs, String endpoint) {
        var parts = endpoint.split(" ");
        JsonNode operation = docs.path("paths").path(parts[1]).path(parts[0].toLowerCase(Locale.ROOT));
        assertThat(operation.isMissingNode()).as(endpoint + " in the served document").isFalse();
        return operation;
    }
}

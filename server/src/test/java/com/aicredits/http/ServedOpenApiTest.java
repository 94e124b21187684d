package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
}

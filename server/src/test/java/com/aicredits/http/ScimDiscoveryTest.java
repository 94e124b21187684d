package com.aicredits.http;

import static com.aicredits.http.ScimRequests.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** RFC 7644 §4 discovery: the lists, and each schema and resource type by its id. */
@TestApplication
class ScimDiscoveryTest {

    private static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

    @LocalServerPort int port;

    @Test
    void the_user_schema_and_the_user_resource_type_are_each_served_by_id_as_listed() {
        var t = new HttpFixture(port);
        var scim = new ScimRequests(port);
        String key = t.key("scim");

        JsonNode schema = one(scim.send(key, "GET", "/scim/v2/Schemas/" + USER_SCHEMA, null));
        assertThat(schema.get("id").asString()).isEqualTo(USER_SCHEMA);
        assertThat(schema.get("attributes").findValuesAsString("name")).contains("userName", "name");
        assertThat(schema).isEqualTo(json(scim.send(key, "GET", "/scim/v2/Schemas", null).body()).get("Resources").get(0));

        JsonNode type = one(scim.send(key, "GET", "/scim/v2/ResourceTypes/User", null));
        assertThat(type.get("name").asString()).isEqualTo("User");
        assertThat(type.get("endpoint").asString()).isEqualTo("/Users");
        assertThat(type.get("schema").asString()).isEqualTo(USER_SCHEMA);
        assertThat(type).isEqualTo(json(scim.send(key, "GET", "/scim/v2/ResourceTypes", null).body()).get("Resources").get(0));
    }

    @Test
    void an_unknown_schema_or_resource_type_is_a_scim_404() {
        var t = new HttpFixture(port);
        var scim = new ScimRequests(port);
        String key = t.key("scim");
        for (String path : new String[] {"/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group",
                "/scim/v2/ResourceTypes/Group"}) {
            var response = scim.send(key, "GET", path, null);
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/scim+json");
            var error = json(response.body());
            assertThat(error.get("schemas").get(0).asString()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
            assertThat(error.get("status").asString()).isEqualTo("404");
            assertThat(error.get("detail").asString()).as(path).doesNotContain("static resource");
        }
    }

    private static JsonNode one(java.net.http.HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/scim+json");
        return json(response.body());
    }
}

package com.aicredits.http;

import static com.aicredits.http.ScimRequests.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.types.Email;
import com.unboundid.scim2.common.types.Name;
import com.unboundid.scim2.common.types.UserResource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * RFC 7644 §3.9: a SCIM client names the attributes it wants ({@code attributes}) or does not want
 * ({@code excludedAttributes}) in what a search, a read, a create, a replace or a patch answers: a create through the
 * real SCIM client, the rest read as sent. A list that cannot be followed is refused before anything is done.
 */
@TestApplication
class ScimAttributesTest {

    private static final String CORE = "urn:ietf:params:scim:schemas:core:2.0:User:";

    @LocalServerPort int port;

    /** The attributes of a user as answered (the SCIM client's objects leave out what was not sent). */
    private static Set<String> fields(JsonNode resource) {
        return new TreeSet<>(resource.propertyNames());
    }

    @Test
    void a_client_gets_only_the_attributes_it_asks_for_or_all_but_those_it_leaves_out() throws ScimException {
        var t = new HttpFixture(port);
        ScimService scim = new ScimRequests(port).client(t.key("scim"));
        String email = "grace@" + t.tenant.substring(0, 8) + ".example";
        var grace = new UserResource().setUserName(email).setDisplayName("Grace Hopper")
                .setName(new Name().setFormatted("Grace Hopper"))
                .setEmails(List.of(new Email().setValue(email).setType("work").setPrimary(true)));
        grace.setExternalId("ext-grace");

        var created = scim.createRequest("Users", grace).attributes("userName").invoke().asGenericScimResource();
        assertThat(fields(created.getObjectNode())).isEqualTo(Set.of("schemas", "id", "userName"));
        String id = created.getId();

        // The answers below are read as sent (the SCIM client's objects add their schema and drop what they do not
        // model). A search: attributes and sub-attributes, in any case, with or without the schema's URN.
        var raw = new ScimRequests(port);
        String key = t.key("scim");
        var found = json(raw.send(key, "GET", "/scim/v2/Users?filter=" + enc("userName eq \"" + email + "\"")
                + "&attributes=" + enc("USERNAME,name.formatted," + CORE + "emails.value"), null).body());
        assertThat(found.get("totalResults").asInt()).isEqualTo(1);
        var user = found.get("Resources").get(0);
        assertThat(fields(user)).isEqualTo(Set.of("schemas", "id", "userName", "name", "emails"));
        assertThat(fields(user.get("name"))).isEqualTo(Set.of("formatted"));
        assertThat(fields(user.get("emails").get(0))).isEqualTo(Set.of("value"));
        assertThat(user.get("emails").get(0).get("value").asString()).isEqualTo(email);
        // a sub-attribute the user does not have leaves nothing of the attribute
        var given = json(raw.send(key, "GET", "/scim/v2/Users/" + id + "?attributes=name.givenName,userName", null).body());
        assertThat(fields(given)).isEqualTo(Set.of("schemas", "id", "userName"));

        // a read without some: id stays, whatever is asked
        var read = json(raw.send(key, "GET", "/scim/v2/Users/" + id + "?excludedAttributes="
                + enc("emails,meta,name.formatted,id"), null).body());
        assertThat(fields(read)).contains("id", "schemas", "userName", "externalId", "active", "displayName")
                .doesNotContain("emails", "meta", "name");

        // a patch answers as asked too; an attribute of another schema names nothing these users have
        var patched = raw.send(key, "PATCH", "/scim/v2/Users/" + id
                        + "?attributes=displayName,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                ScimRequests.patchOf("{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"Amazing Grace\"}"));
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(fields(json(patched.body()))).isEqualTo(Set.of("schemas", "id", "displayName"));
        assertThat(json(patched.body()).get("displayName").asString()).isEqualTo("Amazing Grace");
        var onlyOther = raw.send(key, "GET", "/scim/v2/Users/" + id
                + "?attributes=urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", null);
        assertThat(fields(json(onlyOther.body()))).isEqualTo(Set.of("schemas", "id"));

        // a change whose list cannot be followed is refused before it is made
        var refused = raw.send(key, "PATCH", "/scim/v2/Users/" + id + "?attributes=" + enc(","),
                ScimRequests.patchOf("{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"Grace\"}"));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(json(raw.send(key, "GET", "/scim/v2/Users/" + id, null).body()).get("displayName").asString())
                .isEqualTo("Amazing Grace");
    }

    @Test
    void a_list_that_cannot_be_followed_is_refused_and_nothing_is_created() {
        var t = new HttpFixture(port);
        var scim = new ScimRequests(port);
        String key = t.key("scim");
        String email = "alan@" + t.tenant.substring(0, 8) + ".example";
        String body = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"" + email + "\"}";
        for (String query : List.of("attributes=" + enc("user name"), "excludedAttributes=" + enc("emails[type eq \"work\"]"),
                "attributes=userName&excludedAttributes=emails")) {
            var refused = scim.send(key, "POST", "/scim/v2/Users?" + query, body);
            assertThat(refused.statusCode()).as(query + ": " + refused.body()).isEqualTo(400);
            assertThat(json(refused.body()).get("scimType").asString()).isEqualTo("invalidSyntax");
            assertThat(json(refused.body()).get("detail").asString()).as(query).containsAnyOf("attributes", "excludedAttributes");
        }
        var listed = scim.send(key, "GET", "/scim/v2/Users?filter=" + enc("userName eq \"" + email + "\""), null);
        assertThat(json(listed.body()).get("totalResults").asInt()).isZero();
        assertThat(scim.send(key, "GET", "/scim/v2/Users?attributes=" + enc("a b"), null).statusCode()).isEqualTo(400);
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}

package com.aicredits.http;

import static com.aicredits.http.ScimRequests.json;
import static com.aicredits.http.ScimRequests.patchOf;
import static com.aicredits.http.ScimRequests.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * PATCH of single attributes, as identity providers send them when one field changes in the directory: one part
 * of a name, a cleared external id, removed roles, and removals the service must refuse (RFC 7644 §3.5.2).
 */
@TestApplication
class ScimPatchTest {

    @LocalServerPort int port;
    @org.springframework.beans.factory.annotation.Autowired com.aicredits.TestClock clock;

    /** One tenant, its scim key, and users made through SCIM. */
    private final class Directory {
        final HttpFixture t = new HttpFixture(port);
        final String key = t.key("scim");
        final ScimRequests scim = new ScimRequests(port);

        String create(String attributes) {
            String email = UUID.randomUUID().toString().substring(0, 8) + "@" + t.tenant.substring(0, 8) + ".example";
            var created = scim.send(key, "POST", "/scim/v2/Users",
                    "{\"userName\":\"" + email + "\"" + (attributes.isEmpty() ? "" : "," + attributes) + "}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            return json(created.body()).get("id").asString();
        }

        JsonNode patch(String id, int status, String... operations) {
            var patched = scim.send(key, "PATCH", "/scim/v2/Users/" + id, patchOf(operations));
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(status);
            return json(patched.body());
        }

        /** The name after the patch, checked to be the one the SCIM answer and the admin API both show. */
        String nameAfter(String id, String... operations) {
            String name = patch(id, 200, operations).get("displayName").asString();
            assertThat(user(t, id).get("name").asString()).isEqualTo(name);
            return name;
        }
    }

    @Test
    void patching_one_part_of_the_name_keeps_the_other() {
        var d = new Directory();
        String kristen = d.create("\"displayName\":\"Kristen Nygaard\"");
        assertThat(d.nameAfter(kristen, "{\"op\":\"Replace\",\"path\":\"name.givenName\",\"value\":\"Kris\"}"))
                .isEqualTo("Kris Nygaard");
        // Entra ID: a path-less operation whose value is keyed by the path
        assertThat(d.nameAfter(kristen, "{\"op\":\"replace\",\"value\":{\"name.familyName\":\"Hansen\"}}"))
                .isEqualTo("Kris Hansen");
        // Okta: the name object with only the part that changed
        assertThat(d.nameAfter(kristen, "{\"op\":\"replace\",\"path\":\"name\",\"value\":{\"givenName\":\"Kristen\"}}"))
                .isEqualTo("Kristen Hansen");
        assertThat(d.nameAfter(kristen, "{\"op\":\"remove\",\"path\":\"name.givenName\"}")).isEqualTo("Hansen");

        String ole = d.create("\"name\":{\"givenName\":\"Ole-Johan\",\"familyName\":\"Dahl\"}");
        assertThat(d.nameAfter(ole, "{\"op\":\"replace\",\"path\":\"name.familyName\",\"value\":\"Dahl Nygaard\"}"))
                .isEqualTo("Ole-Johan Dahl Nygaard");

        // The family name is the last word, the given name the words before it.
        String ada = d.create("\"displayName\":\"Augusta Ada King\"");
        assertThat(d.nameAfter(ada, "{\"op\":\"replace\",\"path\":\"name.familyName\",\"value\":\"Lovelace\"}"))
                .isEqualTo("Augusta Ada Lovelace");
        assertThat(d.nameAfter(ada, "{\"op\":\"replace\",\"path\":\"name.givenName\",\"value\":\"Ada\"}"))
                .isEqualTo("Ada Lovelace");
        // A name or displayName sent with the part wins: it is what the directory shows.
        assertThat(d.nameAfter(ada, "{\"op\":\"replace\",\"path\":\"name.givenName\",\"value\":\"Augusta\"}",
                "{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"Lovelace, Augusta Ada\"}"))
                .isEqualTo("Lovelace, Augusta Ada");

        // One word is a given name; a user provisioned without a name shows the e-mail, which is no name's part.
        String grace = d.create("\"displayName\":\"Grace\"");
        assertThat(d.nameAfter(grace, "{\"op\":\"add\",\"path\":\"name.familyName\",\"value\":\"Hopper\"}"))
                .isEqualTo("Grace Hopper");
        String nameless = d.create("");
        assertThat(d.nameAfter(nameless, "{\"op\":\"replace\",\"path\":\"name.givenName\",\"value\":\"Barbara\"}"))
                .isEqualTo("Barbara");
    }

    @Test
    void removing_the_external_id_clears_it() {
        var d = new Directory();
        String id = d.create("\"externalId\":\"ext-" + d.t.tenant + "\"");
        assertThat(user(d.t, id).get("externalId").asString()).isEqualTo("ext-" + d.t.tenant);

        var patched = d.patch(id, 200, "{\"op\":\"remove\",\"path\":\"externalId\"}");
        assertThat(patched.has("externalId")).as(patched.toString()).isFalse();
        assertThat(user(d.t, id).hasNonNull("externalId")).isFalse();
        var found = d.scim.send(d.key, "GET", "/scim/v2/Users?filter=externalId%20eq%20%22ext-" + d.t.tenant + "%22", null);
        assertThat(json(found.body()).get("totalResults").asInt()).isZero();
    }

    @Test
    void removing_the_roles_leaves_the_least_role() {
        var d = new Directory();
        String id = d.create("\"roles\":[{\"value\":\"Admin\"}]");
        assertThat(user(d.t, id).get("role").asString()).isEqualTo("Admin");

        var patched = d.patch(id, 200, "{\"op\":\"remove\",\"path\":\"roles\"}");
        assertThat(patched.get("roles").get(0).get("value").asString()).isEqualTo("Viewer");
        assertThat(user(d.t, id).get("role").asString()).isEqualTo("Viewer");
    }

    @Test
    void removing_the_display_name_shows_the_user_by_e_mail_as_one_provisioned_without_a_name() {
        var d = new Directory();
        String id = d.create("\"displayName\":\"Kristen Nygaard\"");
        String email = user(d.t, id).get("email").asString();
        assertThat(d.nameAfter(id, "{\"op\":\"remove\",\"path\":\"displayName\"}")).isEqualTo(email);
        String blanked = d.create("\"displayName\":\"Ada Lovelace\"");
        assertThat(d.nameAfter(blanked, "{\"op\":\"Replace\",\"path\":\"displayName\",\"value\":\"\"}"))
                .isEqualTo(user(d.t, blanked).get("email").asString());

        // A name sent in the same patch is the name: the removal only says the display name is not it.
        String ole = d.create("\"displayName\":\"Ole-Johan Dahl\"");
        assertThat(d.nameAfter(ole, "{\"op\":\"remove\",\"path\":\"displayName\"}",
                "{\"op\":\"replace\",\"path\":\"name.familyName\",\"value\":\"Nygaard\"}"))
                .isEqualTo("Ole-Johan Nygaard");
    }

    @Test
    void removing_or_unassigning_a_required_or_read_only_attribute_is_refused_with_mutability() {
        var d = new Directory();
        String id = d.create("\"displayName\":\"Kristen Nygaard\",\"externalId\":\"ext-k\",\"roles\":[{\"value\":\"Planner\"}]");
        var before = user(d.t, id);
        for (String operation : new String[] {
                "{\"op\":\"remove\",\"path\":\"userName\"}",
                "{\"op\":\"replace\",\"path\":\"userName\",\"value\":null}",
                "{\"op\":\"replace\",\"value\":{\"userName\":null}}",
                "{\"op\":\"remove\",\"path\":\"id\"}",
                "{\"op\":\"replace\",\"path\":\"id\",\"value\":\"" + UUID.randomUUID() + "\"}",
                "{\"op\":\"remove\",\"path\":\"meta\"}",
                "{\"op\":\"remove\",\"path\":\"schemas\"}",
                // every user here is active or not, and has the one e-mail that is their userName
                "{\"op\":\"remove\",\"path\":\"active\"}",
                "{\"op\":\"Replace\",\"value\":{\"active\":null}}",
                "{\"op\":\"remove\",\"path\":\"emails\"}",
                "{\"op\":\"remove\",\"path\":\"emails[type eq \\\"work\\\"]\"}",
                "{\"op\":\"replace\",\"path\":\"emails\",\"value\":[]}"}) {
            var refused = d.patch(id, 400, operation);
            assertThat(refused.get("scimType").asString()).as(operation + ": " + refused).isEqualTo("mutability");
            assertThat(refused.get("detail").asString()).as(operation).isNotBlank();
        }
        assertThat(user(d.t, id)).isEqualTo(before);

        // What the service does not keep can be removed, and changes nothing here.
        d.patch(id, 200, "{\"op\":\"remove\",\"path\":\"title\"}");
        d.patch(id, 200, "{\"op\":\"remove\",\"path\":\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"}");
        assertThat(user(d.t, id)).isEqualTo(before);
    }
    /** What an outside probe of December 5 sent as Entra ID and Okta do, each of which answered 200 and changed nothing, or 400 or 500. */
    @Test
    void the_forms_directories_send_for_one_attribute_change_it() {
        var d = new Directory();
        String id = d.create("\"displayName\":\"Barbara Liskov\",\"roles\":[{\"value\":\"Planner\"}]");
        String core = "urn:ietf:params:scim:schemas:core:2.0:User:";

        // A path prefixed with the core schema's URN (RFC 7644 §3.10), with a path and as a value's key.
        d.patch(id, 200, "{\"op\":\"replace\",\"path\":\"" + core + "displayName\",\"value\":\"Barbara J. Liskov\"}");
        assertThat(user(d.t, id).get("name").asString()).isEqualTo("Barbara J. Liskov");
        d.patch(id, 200, "{\"op\":\"replace\",\"value\":{\"" + core + "displayName\":\"B. Liskov\"}}");
        assertThat(user(d.t, id).get("name").asString()).isEqualTo("B. Liskov");

        // Entra ID's single-role mapping, whose filter no served role matches (roles are not marked primary).
        d.patch(id, 200, "{\"op\":\"Replace\",\"path\":\"roles[primary eq \\\"True\\\"].value\",\"value\":\"Admin\"}");
        assertThat(user(d.t, id).get("role").asString()).isEqualTo("Admin");

        // An add to one sub-attribute of a filtered value replaces it (RFC 7644 §3.5.2.1); emails mirrors userName.
        var added = d.patch(id, 200, "{\"op\":\"Add\",\"path\":\"emails[type eq \\\"work\\\"].value\",\"value\":\"b@x.example\"}");
        assertThat(added.get("userName").asString()).isEqualTo(added.get("emails").get(0).get("value").asString());

        // An add to a filtered value the user lacks stays an add (a replace would find no target): Entra's work phone.
        d.patch(id, 200, "{\"op\":\"Add\",\"path\":\"phoneNumbers[type eq \\\"work\\\"].value\",\"value\":\"+1 555 0100\"}",
                "{\"op\":\"Replace\",\"path\":\"displayName\",\"value\":\"Barbara Liskov\"}");
        assertThat(user(d.t, id).get("name").asString()).as("the same PATCH's other operation applied").isEqualTo("Barbara Liskov");
        // Removing the single role leaves the least one, as removing roles does.
        d.patch(id, 200, "{\"op\":\"Remove\",\"path\":\"roles[primary eq \\\"True\\\"].value\"}");
        assertThat(user(d.t, id).get("role").asString()).isEqualTo("Viewer");

        // The deactivation that answered 200 and left the user active.
        var off = d.patch(id, 200, "{\"op\":\"replace\",\"path\":\"" + core + "active\",\"value\":false}");
        assertThat(off.get("active").asBoolean()).isFalse();
        assertThat(user(d.t, id).get("active").asBoolean()).isFalse();
    }

    /** RFC 7643 §3.1: lastModified equals created until the resource is first changed; a no-op leaves it. */
    @Test
    void last_modified_is_created_until_a_change_and_moves_with_each_change_only() {
        var d = new Directory();
        String id = d.create("\"displayName\":\"Frances Allen\"");
        var fresh = json(d.scim.send(d.key, "GET", "/scim/v2/Users/" + id, null).body()).get("meta");
        assertThat(fresh.get("lastModified").asString()).isEqualTo(fresh.get("created").asString());
        clock.advance(java.time.Duration.ofSeconds(7)); // the test clock moves only by hand
        var renamed = d.patch(id, 200, "{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"Fran Allen\"}").get("meta");
        assertThat(java.time.Instant.parse(renamed.get("lastModified").asString()))
                .isAfter(java.time.Instant.parse(fresh.get("created").asString()));
        var same = d.patch(id, 200, "{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"Fran Allen\"}").get("meta");
        assertThat(same.get("lastModified")).as("nothing changed").isEqualTo(renamed.get("lastModified"));
    }

    @Test
    void an_empty_path_or_text_that_cannot_be_stored_as_sent_is_refused_and_changes_nothing() {
        var d = new Directory();
        String id = d.create("\"displayName\":\"Edsger Dijkstra\",\"externalId\":\"ewd\"");
        for (String op : java.util.List.of("replace", "add", "remove")) {
            for (String path : java.util.List.of("", " ")) {
                var refused = d.patch(id, 400, "{\"op\":\"" + op + "\",\"path\":\"" + path + "\""
                        + (op.equals("remove") ? "" : ",\"value\":\"x\"") + "}");
                assertThat(refused.get("scimType").asString()).isEqualTo("invalidPath");
            }
        }
        var lone = d.patch(id, 400, "{\"op\":\"replace\",\"path\":\"externalId\",\"value\":\"\\udc00\"}");
        assertThat(lone.get("detail").asString()).contains("well-formed Unicode");
        var created = d.scim.send(d.key, "POST", "/scim/v2/Users", "{\"userName\":\"x\\ud800@y.example\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(400);
        assertThat(user(d.t, id).get("externalId").asString()).isEqualTo("ewd");
        assertThat(user(d.t, id).get("name").asString()).isEqualTo("Edsger Dijkstra");

        // The refusal names what the client sent: userName, not the directory's e-mail or name.
        for (String userName : java.util.List.of("", "jdoe")) {
            var refused = d.scim.send(d.key, "POST", "/scim/v2/Users",
                    "{\"userName\":\"" + userName + "\",\"emails\":[{\"value\":\"jdoe@y.example\"}]}");
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(json(refused.body()).get("detail").asString()).as(userName).startsWith("userName (the user's e-mail) is");
        }
    }
}

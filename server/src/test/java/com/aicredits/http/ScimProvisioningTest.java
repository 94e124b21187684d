package com.aicredits.http;

import static com.aicredits.http.ScimRequests.json;
import static com.aicredits.http.ScimRequests.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.types.Email;
import com.unboundid.scim2.common.types.Name;
import com.unboundid.scim2.common.types.Role;
import com.unboundid.scim2.common.types.UserResource;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ClassPathResource;

/**
 * The SCIM endpoints against the running server: a real SCIM client (UnboundID's scim2-sdk-client, on Jersey)
 * creates, filters, replaces, patches and deactivates; the PATCH bodies Microsoft Entra ID and Okta send, as
 * recorded, are applied; a scim key reaches only its own tenant, and no other key reaches SCIM.
 */
@TestApplication
class ScimProvisioningTest {

    @LocalServerPort int port;

    private ScimService scim(String key) {
        return new ScimRequests(port).client(key);
    }

    private static UserResource person(String email, String name, String role) {
        var user = new UserResource().setUserName(email).setDisplayName(name).setName(new Name().setFormatted(name))
                .setEmails(List.of(new Email().setValue(email).setType("work").setPrimary(true)));
        if (role != null) {
            user.setRoles(List.of(new Role().setValue(role)));
        }
        return user;
    }

    @Test
    void a_scim_client_creates_filters_replaces_patches_and_deactivates_users() throws ScimException {
        var t = new HttpFixture(port);
        var scim = scim(t.key("scim"));
        String domain = t.tenant.substring(0, 8) + ".example";

        var ada = person("ada@" + domain, "Ada Lovelace", "Planner");
        ada.setExternalId("ext-ada");
        var created = scim.create("Users", ada);
        assertThat(created.getId()).isNotBlank();
        assertThat(created.getUserName()).isEqualTo("ada@" + domain);
        assertThat(created.getActive()).isTrue();
        assertThat(created.getRoles()).extracting(Role::getValue).containsExactly("Planner");
        assertThat(created.getMeta().getLocation().toString()).endsWith("/scim/v2/Users/" + created.getId());
        // The same user, as the admin API sees it: registered through the directory, source scim.
        var listed = user(t, created.getId());
        assertThat(listed.get("role").asString()).isEqualTo("Planner");
        assertThat(listed.get("externalId").asString()).isEqualTo("ext-ada");
        assertThat(listed.get("source").asString()).isEqualTo("scim");

        for (String name : List.of("pat", "paula", "percy", "quinn")) {
            scim.create("Users", person(name + "@" + domain, name, null));
        }
        // filters: eq (case-insensitive on userName), co, sw, externalId, emails.value and emails[value …], and
        ListResponse<UserResource> byName = scim.searchRequest("Users")
                .filter("userName eq \"ADA@" + domain.toUpperCase() + "\"").invoke(UserResource.class);
        assertThat(byName.getTotalResults()).isEqualTo(1);
        assertThat(byName.getResources().getFirst().getId()).isEqualTo(created.getId());
        assertThat(scim.searchRequest("Users").filter("externalId eq \"ext-ada\"").invoke(UserResource.class)
                .getTotalResults()).isEqualTo(1);
        assertThat(scim.searchRequest("Users").filter("externalId eq \"EXT-ADA\"").invoke(UserResource.class)
                .getTotalResults()).as("externalId is case-exact").isZero();
        assertThat(scim.searchRequest("Users").filter("emails.value co \"ada@\"").invoke(UserResource.class)
                .getTotalResults()).isEqualTo(1);
        assertThat(scim.searchRequest("Users").filter("emails[value sw \"pa\"]").invoke(UserResource.class)
                .getTotalResults()).isEqualTo(2);
        assertThat(scim.searchRequest("Users").filter("userName sw \"p\" and userName co \"er\"")
                .invoke(UserResource.class).getResources()).extracting(UserResource::getUserName)
                .containsExactly("percy@" + domain);
        assertThat(scim.searchRequest("Users").filter("userName eq \"nobody@" + domain + "\"")
                .invoke(UserResource.class).getTotalResults()).isZero();
        // paging: 1-based, in one stable order, the total counted over all pages
        var all = scim.searchRequest("Users").filter("userName sw \"p\"").page(1, 10).invoke(UserResource.class)
                .getResources().stream().map(UserResource::getUserName).toList();
        assertThat(all).containsExactlyInAnyOrder("pat@" + domain, "paula@" + domain, "percy@" + domain);
        var page = scim.searchRequest("Users").filter("userName sw \"p\"").page(2, 2).invoke(UserResource.class);
        assertThat(page.getTotalResults()).isEqualTo(3);
        assertThat(page.getStartIndex()).isEqualTo(2);
        assertThat(page.getItemsPerPage()).isEqualTo(2);
        assertThat(page.getResources()).extracting(UserResource::getUserName).containsExactlyElementsOf(all.subList(1, 3));
        assertThat(scim.searchRequest("Users").page(1, 100).invoke(UserResource.class).getTotalResults()).isEqualTo(5);
        assertThatThrownBy(() -> scim.searchRequest("Users").filter("title eq \"x\"").invoke(UserResource.class))
                .isInstanceOfSatisfying(ScimException.class, e -> {
                    assertThat(e.getScimError().getStatus()).isEqualTo(400);
                    assertThat(e.getScimError().getScimType()).isEqualTo("invalidFilter");
                });

        // replace (PUT): a new name and role
        var replacement = scim.retrieve("Users", created.getId(), UserResource.class);
        replacement.setDisplayName("Ada King").setName(new Name().setFormatted("Ada King"))
                .setRoles(List.of(new Role().setValue("Admin")));
        var replaced = scim.replace(replacement);
        assertThat(replaced.getDisplayName()).isEqualTo("Ada King");
        assertThat(user(t, created.getId()).get("role").asString()).isEqualTo("Admin");

        // patch
        var patched = scim.modifyRequest("Users", created.getId()).replaceValue("displayName", "Ada K.")
                .invoke(UserResource.class);
        assertThat(patched.getDisplayName()).isEqualTo("Ada K.");
        assertThat(user(t, created.getId()).get("name").asString()).isEqualTo("Ada K.");

        // deactivate: DELETE keeps the user, inactive
        scim.delete("Users", created.getId());
        assertThat(scim.retrieve("Users", created.getId(), UserResource.class).getActive()).isFalse();
        assertThat(user(t, created.getId()).get("active").asBoolean()).isFalse();
        assertThat(scim.searchRequest("Users").filter("active eq false").invoke(UserResource.class).getTotalResults())
                .isEqualTo(1);

        // the same e-mail twice: 409 uniqueness
        assertThatThrownBy(() -> scim.create("Users", person("ada@" + domain, "Ada Again", null)))
                .isInstanceOfSatisfying(ScimException.class, e -> {
                    assertThat(e.getScimError().getStatus()).isEqualTo(409);
                    assertThat(e.getScimError().getScimType()).isEqualTo("uniqueness");
                });
        // the discovery endpoints answer as RFC 7644 defines them
        assertThat(scim.getServiceProviderConfig().getPatch().isSupported()).isTrue();
        assertThat(scim.getServiceProviderConfig().getFilter().isSupported()).isTrue();
        assertThat(scim.getResourceTypes().getResources()).extracting(r -> r.getName()).containsExactly("User");
        assertThat(scim.getSchemas().getResources()).extracting(s -> s.getId())
                .containsExactly("urn:ietf:params:scim:schemas:core:2.0:User");
    }

    @Test
    void the_patch_bodies_entra_id_and_okta_send_are_applied() {
        var t = new HttpFixture(port);
        String key = t.key("scim");

        var entra = send(key, "POST", "/scim/v2/Users", recorded("entra-create.json"));
        assertThat(entra.statusCode()).as(entra.body()).isEqualTo(201);
        assertThat(entra.headers().firstValue("Content-Type").orElse("")).startsWith("application/scim+json");
        String ada = json(entra.body()).get("id").asString();
        assertThat(user(t, ada).get("role").asString()).as("no role sent: the least role").isEqualTo("Viewer");

        var updated = send(key, "PATCH", "/scim/v2/Users/" + ada, recorded("entra-update-attributes.json"));
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        var afterUpdate = user(t, ada);
        assertThat(afterUpdate.get("name").asString()).isEqualTo("Ada King");
        assertThat(afterUpdate.get("email").asString()).as("the mail in emails does not rename: userName is the e-mail")
                .isEqualTo("ada@entra.example");
        assertThat(afterUpdate.get("role").asString()).isEqualTo("Planner");
        assertThat(json(updated.body()).get("userName").asString()).isEqualTo("ada@entra.example");

        var disabled = send(key, "PATCH", "/scim/v2/Users/" + ada, recorded("entra-disable.json"));
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
        assertThat(user(t, ada).get("active").asBoolean()).as("\"False\" as a string").isFalse();

        var pathKeys = send(key, "PATCH", "/scim/v2/Users/" + ada, recorded("entra-path-keys.json"));
        assertThat(pathKeys.statusCode()).as(pathKeys.body()).isEqualTo(200);
        assertThat(user(t, ada).get("name").asString()).isEqualTo("Ada Byron");
        assertThat(user(t, ada).get("active").asBoolean()).isTrue();

        var okta = send(key, "POST", "/scim/v2/Users", recorded("okta-create.json"));
        assertThat(okta.statusCode()).as(okta.body()).isEqualTo(201);
        String grace = json(okta.body()).get("id").asString();
        assertThat(user(t, grace).get("name").asString()).isEqualTo("Grace Brewster");

        var deactivated = send(key, "PATCH", "/scim/v2/Users/" + grace, recorded("okta-deactivate.json"));
        assertThat(deactivated.statusCode()).as(deactivated.body()).isEqualTo(200);
        assertThat(user(t, grace).get("active").asBoolean()).isFalse();

        var reactivated = send(key, "PATCH", "/scim/v2/Users/" + grace,
                recorded("okta-reactivate-and-rename.json").replace("%ID%", grace));
        assertThat(reactivated.statusCode()).as(reactivated.body()).isEqualTo(200);
        var graceAfter = user(t, grace);
        assertThat(graceAfter.get("active").asBoolean()).isTrue();
        assertThat(graceAfter.get("name").asString()).isEqualTo("Grace Hopper");
        assertThat(graceAfter.get("role").asString()).isEqualTo("Admin");
        assertThat(json(reactivated.body()).get("id").asString()).as("the id is the path's").isEqualTo(grace);

        // a PATCH the library cannot apply is a SCIM error, and changes nothing
        var bad = send(key, "PATCH", "/scim/v2/Users/" + grace,
                "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"move\",\"path\":\"active\"}]}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad.body()).get("schemas").get(0).asString()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
        var badRole = send(key, "PATCH", "/scim/v2/Users/" + grace,
                "{\"Operations\":[{\"op\":\"replace\",\"path\":\"roles\",\"value\":[{\"value\":\"Owner\"}]}]}");
        assertThat(badRole.statusCode()).isEqualTo(400);
        assertThat(json(badRole.body()).get("scimType").asString()).isEqualTo("invalidValue");
        assertThat(user(t, grace)).isEqualTo(graceAfter);
    }

    @Test
    void a_scim_key_reaches_only_its_own_tenant() throws ScimException {
        var t = new HttpFixture(port);
        var other = new HttpFixture(port);
        String stranger = other.user("Sam Stranger", "Planner");
        var before = user(other, stranger);
        String key = t.key("scim");

        assertThat(send(key, "GET", "/scim/v2/Users/" + stranger, null).statusCode()).isEqualTo(404);
        assertThat(send(key, "PUT", "/scim/v2/Users/" + stranger,
                "{\"userName\":\"taken@x.example\",\"displayName\":\"Taken\"}").statusCode()).isEqualTo(404);
        assertThat(send(key, "PATCH", "/scim/v2/Users/" + stranger,
                "{\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":false}]}").statusCode()).isEqualTo(404);
        assertThat(send(key, "DELETE", "/scim/v2/Users/" + stranger, null).statusCode()).isEqualTo(404);
        assertThat(scim(key).searchRequest("Users").filter("userName eq \"" + other.email("Sam Stranger") + "\"")
                .invoke(UserResource.class).getTotalResults()).isZero();
        assertThat(scim(key).searchRequest("Users").invoke(UserResource.class).getTotalResults()).isZero();
        assertThat(user(other, stranger)).isEqualTo(before);
        // nor does it reach the tenant's API
        assertThat(ApiClient.bearer(port, key).get(t.base + "/users").status()).isEqualTo(403);
        assertThat(ApiClient.bearer(port, key).get(t.base + "/credits/users").status()).isEqualTo(403);
    }

    @Test
    void admin_consume_and_platform_keys_cannot_use_scim_and_are_told_in_a_scim_error() {
        var t = new HttpFixture(port);
        for (String key : List.of(t.adminKeyText, t.consumeKeyText, HttpFixture.PLATFORM_KEY)) {
            var refused = send(key, "GET", "/scim/v2/Users", null);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/scim+json");
            assertThat(json(refused.body()).get("status").asString()).isEqualTo("403");
            assertThat(send(key, "POST", "/scim/v2/Users", "{\"userName\":\"x@y.example\"}").statusCode()).isEqualTo(403);
        }
        var anonymous = send(null, "GET", "/scim/v2/ServiceProviderConfig", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(json(anonymous.body()).get("schemas").get(0).asString()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
        assertThat(send("aic_" + t.tenant.replace("-", "") + "_forged", "GET", "/scim/v2/Users", null).statusCode())
                .isEqualTo(401);
        assertThat(t.platform.get(t.base + "/users").json()).as("nothing was created").isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private HttpResponse<String> send(String key, String method, String path, String body) {
        return new ScimRequests(port).send(key, method, path, body);
    }

    private static String recorded(String name) {
        try {
            return new ClassPathResource("scim/" + name).getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

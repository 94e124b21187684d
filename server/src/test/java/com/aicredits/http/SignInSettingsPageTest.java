package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Settings → Sign-in &amp; provisioning over HTTP, as an admin's browser posts its forms: the addresses before anything
 * is set up, a SCIM token shown once that works on /scim/v2 and stops at its revocation, no other tenant's admin
 * revoking it, the stored client secret kept when its field is left empty, and an unreachable issuer saved with a
 * warning that says why.
 */
@TestApplication
class SignInSettingsPageTest {

    private static final Pattern TOKEN = Pattern.compile("aic_[0-9a-f]{32}_[A-Za-z0-9_-]{43}");
    private static final Map<String, String> FORM = Map.of("Content-Type", "application/x-www-form-urlencoded");

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;

    private record Admin(HttpFixture t, ApiClient session, String page) {
        ApiClient.Response post(String action, String form) {
            return session.send("POST", page + action, form, FORM);
        }
    }

    private Admin admin() {
        var t = new HttpFixture(port);
        t.user("Ada Admin", "Admin");
        return new Admin(t, t.session("Ada Admin"), "/app/tenants/" + t.tenant + "/settings/sign-in");
    }

    private static String tokenIn(String page) {
        var matcher = TOKEN.matcher(page);
        assertThat(matcher.find()).as("a token on the page").isTrue();
        return matcher.group();
    }

    private static String form(String... pairs) {
        var form = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            form.append(i == 0 ? "" : "&").append(pairs[i]).append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return form.toString();
    }

    private static ApiClient.Response scimUsers(int port, String token) {
        return ApiClient.bearer(port, token).get("/scim/v2/Users");
    }

    @Test
    void before_anything_is_set_up_the_page_shows_the_redirect_uri_and_the_scim_base_url_to_give_the_provider() {
        var a = admin();
        var page = a.session().get(a.page());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text())
                .contains("value=\"http://localhost:" + port + "/login/oauth2/code/" + a.t().tenant + "\"")
                .contains("value=\"http://localhost:" + port + "/scim/v2\"")
                .contains("data-copy=\"redirect-uri\"", "data-copy=\"scim-base-url\"")
                .contains("No SCIM tokens yet.");
        assertThat(a.session().get("/app/tenants/" + a.t().tenant + "/settings").text())
                .contains("href=\"/app/tenants/" + a.t().tenant + "/settings/sign-in\"");
    }

    @Test
    void a_scim_token_is_shown_once_works_on_the_scim_endpoints_only_and_is_in_the_audit_trail() {
        var a = admin();
        var created = a.post("/scim-tokens", form("name", "entra-provisioning"));
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.text()).contains("it is shown once and never again");
        String token = tokenIn(created.text());

        var again = a.session().get(a.page());
        assertThat(again.text()).contains("entra-provisioning").contains("Never used").doesNotContain(token);
        assertThat(TOKEN.matcher(again.text()).find()).as("no token on the page any more").isFalse();

        assertThat(scimUsers(port, token).status()).isEqualTo(200);
        assertThat(ApiClient.bearer(port, token).get(a.t().base + "/users").status()).as("not an API key").isEqualTo(403);
        var keys = a.t().platform.get(a.t().base + "/api-keys").json();
        assertThat(keys.valueStream().filter(k -> k.get("name").asString().equals("entra-provisioning"))
                .map(k -> k.get("scope").asString())).containsExactly("scim");
        assertThat(a.session().get(a.page()).text()).as("the page shows its use").contains("Last used").doesNotContain("Never used");
        assertThat(jdbc.sql("select actor || ' ' || code || ' ' || detail from audit_events where tenant_id = ?::uuid and code = 'SCIM_TOKEN_ISSUED'")
                .param(a.t().tenant).query(String.class).list())
                .containsExactly(a.t().email("Ada Admin") + " SCIM_TOKEN_ISSUED entra-provisioning");

        var unnamed = a.post("/scim-tokens", form("name", " "));
        assertThat(unnamed.status()).isEqualTo(422);
        assertThat(unnamed.text()).contains("The token&#39;s name has 1 to 100 characters.");
    }

    @Test
    void a_revoked_scim_token_stops_working_at_once_and_leaves_the_list() {
        var a = admin();
        String token = tokenIn(a.post("/scim-tokens", form("name", "okta")).text());
        assertThat(scimUsers(port, token).status()).isEqualTo(200);
        String id = a.t().platform.get(a.t().base + "/api-keys").json().valueStream()
                .filter(k -> k.get("name").asString().equals("okta")).findFirst().orElseThrow().get("id").asString();

        var dialog = a.session().get(a.page() + "/scim-tokens/" + id + "/revoke");
        assertThat(dialog.text()).contains("Revoke the SCIM token okta?");
        var revoked = a.post("/scim-tokens/" + id + "/revoke", "");
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.text()).contains("SCIM token okta revoked: it no longer works.").contains("No SCIM tokens yet.");
        assertThat(scimUsers(port, token).status()).isEqualTo(401);
        assertThat(a.post("/scim-tokens/" + id + "/revoke", "").status()).as("already revoked").isEqualTo(404);
    }

    @Test
    void another_tenants_admin_cannot_revoke_a_token_and_the_page_revokes_no_admin_or_consume_key() {
        var a = admin();
        var b = admin();
        String token = tokenIn(a.post("/scim-tokens", form("name", "entra")).text());
        String id = a.t().platform.get(a.t().base + "/api-keys").json().valueStream()
                .filter(k -> k.get("name").asString().equals("entra")).findFirst().orElseThrow().get("id").asString();

        assertThat(b.post("/scim-tokens/" + id + "/revoke", "").status()).as("on B's own page").isEqualTo(404);
        assertThat(b.session().send("POST", a.page() + "/scim-tokens/" + id + "/revoke", "", FORM).status())
                .as("on A's page").isEqualTo(404);
        assertThat(b.session().get(a.page()).status()).isEqualTo(404);
        assertThat(scimUsers(port, token).status()).isEqualTo(200);

        var adminKey = a.t().issue("admin");
        assertThat(a.post("/scim-tokens/" + adminKey.id() + "/revoke", "").status()).isEqualTo(404);
        assertThat(ApiClient.bearer(port, adminKey.key()).get(a.t().base + "/users").status()).isEqualTo(200);
        assertThat(a.session().get(a.page()).text()).doesNotContain(adminKey.id()).doesNotContain("consume-");
    }

    @Test
    void the_stored_client_secret_is_kept_when_its_field_is_left_empty_and_replaced_when_one_is_entered() {
        var a = admin();
        var none = a.post("/sso", form("issuer", "https://login.example.com/t/v2.0", "clientId", "app", "clientSecret", ""));
        assertThat(none.status()).isEqualTo(422);
        assertThat(none.text()).contains("Client secret is required: no secret is stored yet.")
                .contains("value=\"https://login.example.com/t/v2.0\"");
        assertThat(a.t().admin().get(a.t().base + "/sso").status()).as("nothing saved").isEqualTo(404);

        assertThat(a.post("/sso", form("issuer", "http://127.0.0.1:1", "clientId", "app", "clientSecret", "first-secret"))
                .status()).isEqualTo(200);
        String sealed = sealedSecret(a);
        var enforced = a.post("/sso", form("issuer", "http://127.0.0.1:1", "clientId", "app", "clientSecret", "",
                "enforced", "on", "enforceUnreachable", "on", "jitRole", "Planner"));
        assertThat(enforced.status()).isEqualTo(200);
        assertThat(enforced.text()).contains("Leave it empty to keep the stored secret.");
        assertThat(sealedSecret(a)).as("the same sealed secret").isEqualTo(sealed);
        var read = a.t().admin().get(a.t().base + "/sso").json();
        assertThat(read.get("enforced").asBoolean()).isTrue();
        assertThat(read.get("jitRole").asString()).isEqualTo("Planner");

        assertThat(a.post("/sso", form("issuer", "http://127.0.0.1:1", "clientId", "app", "clientSecret", "second-secret"))
                .status()).isEqualTo(200);
        assertThat(sealedSecret(a)).isNotEqualTo(sealed);
        assertThat(a.t().admin().get(a.t().base + "/sso").json().get("enforced").asBoolean()).as("unchecked: off").isFalse();
    }

    private String sealedSecret(Admin a) {
        return jdbc.sql("select client_secret from sso_connections where tenant_id = ?::uuid").param(a.t().tenant)
                .query(String.class).single();
    }

    @Test
    void an_issuer_that_cannot_be_reached_is_saved_with_a_warning_that_says_why_and_the_api_still_answers_200() {
        var a = admin();
        var saved = a.post("/sso", form("issuer", "http://127.0.0.1:1", "clientId", "app", "clientSecret", "s"));
        assertThat(saved.status()).isEqualTo(200);
        assertThat(saved.text()).contains("data-warning")
                .contains("Saved, but the provider cannot be reached: nothing accepts connections at 127.0.0.1:1 (connection refused).")
                .contains("data-provider=\"unreachable\"")
                .contains("Until it can, your people get the password form instead.");
        assertThat(a.t().admin().get(a.t().base + "/sso").json().get("issuer").asString()).isEqualTo("http://127.0.0.1:1");

        // The page, opened later, asks again once shown; enforced, it says nobody can sign in.
        assertThat(a.session().get(a.page()).text()).contains("hx-get=\"" + a.page() + "/provider\"");
        assertThat(a.t().admin().send("PUT", a.t().base + "/sso", Map.of("issuer", "https://sso.example.invalid",
                "clientId", "app", "clientSecret", "s", "enforced", true), Map.of()).status()).isEqualTo(200);
        assertThat(a.session().get(a.page() + "/provider").text())
                .contains("the name sso.example.invalid is not known (no DNS entry)")
                .contains("nobody of your organisation can sign in");
    }

    @Test
    void refusing_password_sign_in_at_a_provider_that_cannot_be_reached_saves_nothing_until_confirmed() {
        var a = admin();
        assertThat(a.post("/sso", form("issuer", "http://127.0.0.1:1", "clientId", "app", "clientSecret", "s"))
                .status()).isEqualTo(200);
        String sealed = sealedSecret(a);

        var asked = a.post("/sso", form("issuer", "http://127.0.0.1:1", "clientId", "other-app", "clientSecret", "",
                "enforced", "on", "jitRole", "Viewer"));
        assertThat(asked.status()).isEqualTo(422);
        assertThat(asked.text())
                .contains("Nothing was saved: the provider cannot be reached (nothing accepts connections at 127.0.0.1:1 "
                        + "(connection refused)), and with “Only through the provider” nobody of your organisation could "
                        + "sign in until it answers.")
                .contains("name=\"enforceUnreachable\"").contains("value=\"other-app\"");
        var read = a.t().admin().get(a.t().base + "/sso").json();
        assertThat(read.get("enforced").asBoolean()).as("nothing saved").isFalse();
        assertThat(read.get("clientId").asString()).isEqualTo("app");
        assertThat(sealedSecret(a)).isEqualTo(sealed);

        // The page without the question: a provider that answers, or password sign-in left on.
        assertThat(a.session().get(a.page()).text()).doesNotContain("enforceUnreachable");
        assertThat(a.post("/sso", form("issuer", "http://127.0.0.1:1", "clientId", "other-app", "clientSecret", "",
                "enforced", "on", "enforceUnreachable", "on", "jitRole", "Viewer")).status()).isEqualTo(200);
        read = a.t().admin().get(a.t().base + "/sso").json();
        assertThat(read.get("enforced").asBoolean()).as("confirmed").isTrue();
        assertThat(read.get("clientId").asString()).isEqualTo("other-app");
    }

    @Test
    void the_form_refuses_bad_input_beside_the_field_and_turning_off_asks_first_then_turns_off() {
        var a = admin();
        var refused = a.post("/sso", form("issuer", "ftp://login.example.com", "clientId", "app", "clientSecret", "s"));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.text()).contains("Issuer must be an https URL.").contains("aria-invalid=\"true\"")
                .contains("value=\"ftp://login.example.com\"").doesNotContain("value=\"s\"");
        assertThat(a.post("/sso", form("issuer", "https://login.example.com", "clientId", "app", "clientSecret", "s",
                "jitRole", "Owner")).status()).isEqualTo(422);
        assertThat(a.t().admin().get(a.t().base + "/sso").status()).isEqualTo(404);

        assertThat(a.t().admin().send("PUT", a.t().base + "/sso", Map.of("issuer", "http://127.0.0.1:1", "clientId", "app",
                "clientSecret", "s"), Map.of()).status()).isEqualTo(200);
        assertThat(a.session().get(a.page() + "/sso/off").text()).contains("Turn single sign-on off?");
        var off = a.post("/sso/off", "");
        assertThat(off.status()).isEqualTo(200);
        assertThat(off.text()).contains("Single sign-on is off: your people sign in with a password.");
        assertThat(a.t().admin().get(a.t().base + "/sso").status()).isEqualTo(404);
    }
}

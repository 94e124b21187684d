package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import com.aicredits.shared.SecretBox;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** PUT, GET and DELETE /tenants/{id}/sso as API.md has them; the secret is stored sealed and never answered. */
@TestApplication
class SingleSignOnApiTest {

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    @Autowired SecretBox secrets;

    private static Map<String, Object> body(String issuer, Object... more) {
        var body = new LinkedHashMap<String, Object>(Map.of("issuer", issuer, "clientId", "app-123",
                "clientSecret", "s3cr3t-value-of-the-client"));
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return body;
    }

    @Test
    void an_admin_sets_reads_and_turns_off_single_sign_on_and_the_secret_never_comes_back() {
        var t = new HttpFixture(port);
        String path = t.base + "/sso";
        assertThat(t.admin().get(path).status()).isEqualTo(404);

        var set = t.admin().send("PUT", path, body("https://login.microsoftonline.com/abc/v2.0", "enforced", true), Map.of());
        assertThat(set.status()).as(set.text()).isEqualTo(200);
        assertThat(set.text()).doesNotContain("s3cr3t").doesNotContain("clientSecret");
        var json = set.json();
        assertThat(json.get("issuer").asString()).isEqualTo("https://login.microsoftonline.com/abc/v2.0");
        assertThat(json.get("clientId").asString()).isEqualTo("app-123");
        assertThat(json.get("enforced").asBoolean()).isTrue();
        assertThat(json.get("redirectUri").asString()).isEqualTo("http://localhost:" + port + "/login/oauth2/code/" + t.tenant);
        assertThat(json.path("jitRole").isNull() || json.path("jitRole").isMissingNode()).isTrue();

        var read = t.admin().get(path);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.text()).isEqualTo(set.text());

        // At rest: sealed, bound to this tenant; the text of the secret is nowhere in the row.
        String stored = jdbc.sql("select client_secret from sso_connections where tenant_id = ?::uuid").param(t.tenant)
                .query(String.class).single();
        assertThat(stored).doesNotContain("s3cr3t");
        assertThat(secrets.open(stored, "sso-client-secret:" + t.tenant)).isEqualTo("s3cr3t-value-of-the-client");

        // Replaced by a second PUT, enforced now off by default, just-in-time creation on.
        var again = t.admin().send("PUT", path, body("https://example.okta.com", "jitRole", "Viewer"), Map.of());
        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(again.json().get("enforced").asBoolean()).isFalse();
        assertThat(again.json().get("jitRole").asString()).isEqualTo("Viewer");

        assertThat(t.admin().delete(path).status()).isEqualTo(204);
        assertThat(t.admin().get(path).status()).isEqualTo(404);
        assertThat(t.admin().delete(path).status()).as("turning off twice is harmless").isEqualTo(204);
    }

    @Test
    void an_issuer_must_be_https_and_plain_http_only_reaches_a_loopback_address_when_allowed() {
        var t = new HttpFixture(port);
        String path = t.base + "/sso";
        // The tests allow insecure issuers (aicredits.sso.allow-insecure-issuers), for the provider they start.
        assertThat(t.admin().send("PUT", path, body("http://127.0.0.1:9/issuer"), Map.of()).status()).isEqualTo(200);
        assertThat(t.admin().send("PUT", path, body("http://localhost:9"), Map.of()).status()).isEqualTo(200);
        for (String outside : new String[] {"http://localhost.evil.example", "http://192.168.1.1", "http://[::2]/x"}) {
            var refused = t.admin().send("PUT", path, body(outside), Map.of());
            assertThat(refused.status()).as(outside).isEqualTo(400);
            assertThat(refused.json().get("code").asString()).isEqualTo("INVALID_ISSUER");
            assertThat(refused.json().get("fields").get(0).asString()).isEqualTo("issuer");
        }
        assertThat(t.admin().get(path).json().get("issuer").asString()).as("unchanged by the refusals").isEqualTo("http://localhost:9");
    }

    @Test
    void another_tenants_admin_sees_no_single_sign_on_and_changes_none() {
        var t = new HttpFixture(port);
        var other = new HttpFixture(port);
        assertThat(t.admin().send("PUT", t.base + "/sso", body("https://accounts.google.com"), Map.of()).status()).isEqualTo(200);
        assertThat(other.admin().get(t.base + "/sso").status()).isEqualTo(404);
        assertThat(other.admin().delete(t.base + "/sso").status()).isEqualTo(404);
        assertThat(ApiClient.anonymous(port).get(t.base + "/sso").status()).isEqualTo(401);
        assertThat(t.admin().get(t.base + "/sso").status()).isEqualTo(200);
    }
}

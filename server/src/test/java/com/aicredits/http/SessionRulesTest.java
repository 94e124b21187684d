package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 17, findings 1, 3 and 5: a session carries no authority the directory no longer grants, visitors who
 * do not sign in get no session, a person has a bounded number of sessions, and the CSRF token belongs to
 * its session.
 */
@TestApplication
class SessionRulesTest {

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;

    private long sessionsOf(String userId) {
        return jdbc.sql("select count(*) from spring_session where principal_name = ?").param(userId).query(Long.class).single();
    }

    private static boolean setsSessionCookie(ApiClient.Response response) {
        return response.headers().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Set-Cookie"))
                .flatMap(h -> h.getValue().stream()).anyMatch(cookie -> cookie.contains("SESSION"));
    }

    @Test
    void a_deactivated_admin_loses_every_right_at_once_and_every_session_of_theirs_ends() {
        var t = new HttpFixture(port);
        String ada = t.user("Ada Admin", "Admin");
        var first = t.session("Ada Admin");
        var second = t.session("Ada Admin");
        assertThat(first.get(t.base + "/users").status()).isEqualTo(200);
        assertThat(sessionsOf(ada)).isEqualTo(2);

        assertThat(t.platform.patch(t.base + "/users/" + ada, Map.of("active", false)).status()).isEqualTo(200);

        assertThat(sessionsOf(ada)).as("every session of hers was deleted").isZero();
        assertThat(first.get(t.base + "/users").status()).isEqualTo(401);
        assertThat(second.post(t.base + "/users", Map.of("name", "Eve", "email", "eve@x.example", "role", "Admin")).status())
                .isIn(401, 403);
        assertThat(first.patch(t.base + "/users/" + ada, Map.of("active", true)).status()).isIn(401, 403);
        assertThat(t.admin().get(t.base + "/users").text()).doesNotContain("eve@x.example");
    }

    @Test
    void an_admin_demoted_to_viewer_keeps_no_admin_right_in_an_open_session() {
        var t = new HttpFixture(port);
        String ada = t.user("Ada Admin", "Admin");
        var session = t.session("Ada Admin");
        assertThat(t.admin().patch(t.base + "/users/" + ada, Map.of("role", "Viewer")).status()).isEqualTo(200);
        assertThat(session.get(t.base + "/users").status()).isEqualTo(401);
        assertThat(session.post(t.base + "/credits/users/" + ada + "/add", Map.of("credits", 5), "k-" + ada).status())
                .isIn(401, 403);
        // Signing in again gives the new role, and only that.
        assertThat(t.session("Ada Admin").get(t.base + "/users").status()).isEqualTo(403);
    }

    @Test
    void the_standing_check_signs_out_a_session_whose_person_was_deactivated_behind_its_back() {
        var t = new HttpFixture(port);
        String pat = t.user("Pat Planner", "Planner");
        var session = t.session("Pat Planner");
        assertThat(session.get(t.base + "/users/" + pat + "/balance").status()).isEqualTo(200);
        // Straight in the database, as another instance's change whose session clean-up was lost would leave it.
        jdbc.sql("update users set active = false where id = ?::uuid").param(pat).update();
        assertThat(session.get(t.base + "/users/" + pat + "/balance").status()).isEqualTo(401);
    }

    @Test
    void visitors_who_do_not_sign_in_open_no_session() {
        var t = new HttpFixture(port);
        long before = jdbc.sql("select count(*) from spring_session").query(Long.class).single();
        var anonymous = ApiClient.anonymous(port);
        List<ApiClient.Response> responses = new ArrayList<>();
        responses.add(anonymous.get("/login"));
        responses.add(anonymous.get("/"));
        responses.add(anonymous.get("/app/tenants/" + t.tenant + "/credits"));
        responses.add(anonymous.get(t.base + "/users"));
        responses.add(anonymous.post(t.base + "/users", Map.of("name", "N")));
        responses.add(anonymous.sendForm("/login", "username=nobody%40x.example&password=wrong-password-here"));
        responses.add(anonymous.get("/login?error"));
        assertThat(responses).noneMatch(SessionRulesTest::setsSessionCookie);
        assertThat(jdbc.sql("select count(*) from spring_session").query(Long.class).single())
                .as("no session row was written for an anonymous request").isLessThanOrEqualTo(before);
    }

    @Test
    void a_person_has_at_most_five_sessions_and_a_sixth_sign_in_ends_the_least_recently_used() throws Exception {
        var t = new HttpFixture(port);
        String vic = t.user("Vic Viewer", "Viewer");
        List<ApiClient> sessions = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sessions.add(t.session("Vic Viewer"));
            Thread.sleep(5); // distinct last-access times
        }
        assertThat(sessionsOf(vic)).isEqualTo(5);
        assertThat(sessions.getFirst().get(t.base + "/users/" + vic + "/balance").status()).as("the oldest ended").isEqualTo(401);
        assertThat(sessions.getLast().get(t.base + "/users/" + vic + "/balance").status()).isEqualTo(200);
    }

    @Test
    void the_csrf_token_belongs_to_its_session_and_is_never_a_cookie() {
        var t = new HttpFixture(port);
        String pat = t.user("Pat Planner", "Planner");
        var mine = t.session("Pat Planner");
        var other = t.session("Pat Planner");
        String app = "/app/tenants/" + t.tenant;
        var page = mine.get(app + "/me");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().getOrDefault("set-cookie", List.of())).noneMatch(c -> c.contains("XSRF"));
        String myToken = ApiClient.csrfTokenOf(page.text());
        assertThat(myToken).isNotBlank();
        String body = "{\"name\": \"x\"}";
        // My token with the other session's cookie: refused. Without a token: refused. With its own: accepted past CSRF.
        assertThat(other.send("POST", "/logout", null, Map.of("X-CSRF-TOKEN", myToken)).status()).isEqualTo(403);
        assertThat(other.send("POST", "/logout", null, Map.of("X-CSRF-TOKEN", "forged")).status()).isEqualTo(403);
        assertThat(other.get(t.base + "/users/" + pat + "/balance").status()).as("still signed in").isEqualTo(200);
        // On the API the refusal says what is missing, not that the role may not (a probe of December 5).
        var forged = other.send("POST", t.base + "/notifications/read", Map.of("all", true), Map.of("X-CSRF-TOKEN", "forged"));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.json().get("detail").asString()).contains("CSRF token").contains("X-CSRF-TOKEN");
        assertThat(mine.send("POST", "/logout", body, Map.of()).status()).isEqualTo(302);
        assertThat(mine.get(t.base + "/users/" + pat + "/balance").status()).as("signed out").isEqualTo(401);
    }
}

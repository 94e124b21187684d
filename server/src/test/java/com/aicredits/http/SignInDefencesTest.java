package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 17, findings 2, 4, 5 and 7: sign-in is throttled (visibly, and in the audit trail), an over-long
 * password is a wrong password rather than a 500, requests from other sites are refused, and no redirect
 * echoes the Host header.
 */
@TestApplication
class SignInDefencesTest {

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;

    /** Each test signs in from its own address (X-Forwarded-For from localhost is believed), so tests do not share a bucket. */
    private ApiClient.Response signIn(String email, String password, String address, Map<String, String> headers) {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-For", address)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("username=" + enc(email) + "&password=" + enc(password)));
        headers.forEach(request::header);
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            var response = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return new ApiClient.Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String address() {
        var random = UUID.randomUUID().getLeastSignificantBits();
        return "10." + (random & 0xff) + "." + ((random >> 8) & 0xff) + "." + ((random >> 16) & 0xff);
    }

    @Test
    void after_five_wrong_passwords_the_account_is_locked_for_minutes_visibly_and_in_the_audit_trail() {
        var t = new HttpFixture(port);
        t.user("Ada Admin", "Admin");
        String email = t.email("Ada Admin");
        String address = address();
        // Four mistakes cost a legitimate person nothing: the right password still works.
        for (int i = 0; i < 4; i++) {
            assertWrongPassword(signIn(email, "wrong-password-" + i, address, Map.of()), email);
        }
        assertThat(signIn(email, HttpFixture.PASSWORD, address, Map.of()).header("Location")).isEqualTo("/");
        for (int i = 0; i < 5; i++) {
            signIn(email, "wrong-password-" + i, address(), Map.of());
        }
        // Locked now, from any address, even with the right password.
        var locked = signIn(email, HttpFixture.PASSWORD, address(), Map.of());
        assertThat(locked.status()).isEqualTo(302);
        assertThat(locked.header("Location")).matches("/login\\?locked=[1-5]");
        String minutes = locked.header("Location").substring("/login?locked=".length());
        assertThat(ApiClient.anonymous(port).get(locked.header("Location")).text())
                .contains("Too many attempts, try again in " + minutes + " minutes");
        assertThat(jdbc.sql("select count(*) from audit_events where code = 'SIGN_IN_THROTTLED' and actor like ?")
                .param("sign-in:" + email.toLowerCase() + "%").query(Long.class).single()).isEqualTo(1);
    }

    /**
     * A wrong password is answered with the password step again, the e-mail kept (only the password is typed again), not
     * a redirect to the first step.
     */
    private static void assertWrongPassword(ApiClient.Response response, String email) {
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).contains("Wrong email or password.").contains("name=\"password\"")
                .contains("value=\"" + email + "\"");
    }

    @Test
    void a_direct_request_to_the_wrong_password_answer_checks_nothing_and_goes_to_the_first_step() {
        var response = ApiClient.anonymous(port).sendForm("/login/wrong-password", "username=ada%40x.example");
        assertThat(response.status()).isEqualTo(302);
        assertThat(response.header("Location")).isEqualTo("/login");
        assertThat(response.text()).doesNotContain("Wrong email or password");
    }

    @Test
    void a_deactivated_person_with_the_right_password_is_told_so_and_a_wrong_password_still_says_wrong() {
        var t = new HttpFixture(port);
        String id = t.user("Dee Parted", "Viewer");
        assertThat(t.admin().patch(t.base + "/users/" + id, Map.of("active", false)).status()).isEqualTo(200);
        String email = t.email("Dee Parted");

        var wrong = signIn(email, "not-the-password", address(), Map.of());
        assertWrongPassword(wrong, email);
        var right = signIn(email, HttpFixture.PASSWORD, address(), Map.of());
        assertThat(right.status()).isEqualTo(302);
        assertThat(right.header("Location")).isEqualTo("/login?deactivated");
        assertThat(right.header("Set-Cookie")).as("no session, as for a wrong password").isEqualTo(wrong.header("Set-Cookie"));
        assertThat(ApiClient.anonymous(port).get(right.header("Location")).text())
                .contains("this organisation is deactivated")
                .doesNotContain("Wrong email or password");
    }

    @Test
    void one_address_guessing_across_many_accounts_is_locked_too() {
        String address = address();
        for (int i = 0; i < 30; i++) {
            signIn("nobody-" + i + "@" + UUID.randomUUID() + ".example", "guess-guess-guess", address, Map.of());
        }
        var t = new HttpFixture(port);
        t.user("Pat Planner", "Planner");
        assertThat(signIn(t.email("Pat Planner"), HttpFixture.PASSWORD, address, Map.of()).header("Location"))
                .startsWith("/login?locked=");
        assertThat(signIn(t.email("Pat Planner"), HttpFixture.PASSWORD, address(), Map.of()).header("Location"))
                .as("from another address the account is fine").isEqualTo("/");
    }

    @Test
    void a_password_over_72_bytes_at_sign_in_is_a_wrong_password_not_a_server_error() {
        var t = new HttpFixture(port);
        t.user("Ada Admin", "Admin");
        assertWrongPassword(signIn(t.email("Ada Admin"), HttpFixture.PASSWORD + "x".repeat(80), address(), Map.of()),
                t.email("Ada Admin"));
        assertWrongPassword(signIn(t.email("Ada Admin"), "\u00e9".repeat(50), address(), Map.of()), t.email("Ada Admin"));
    }

    @Test
    void the_users_tab_refuses_a_password_over_72_bytes_with_its_message_not_a_server_error() {
        var t = new HttpFixture(port);
        t.user("Ada Admin", "Admin");
        var response = t.session("Ada Admin").sendForm("/app/tenants/" + t.tenant + "/users",
                "name=Nia&email=nia%40x.example&role=Viewer&password=" + "p".repeat(80));
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.text()).contains("Password has at most 72 bytes in UTF-8.");
    }

    @Test
    void state_changing_requests_started_by_another_site_are_refused() {
        var t = new HttpFixture(port);
        String pat = t.user("Pat Planner", "Planner");
        String email = t.email("Pat Planner");
        assertThat(signIn(email, HttpFixture.PASSWORD, address(), Map.of("Origin", "https://evil.example")).status())
                .as("a forged sign-in").isEqualTo(403);
        assertThat(signIn(email, HttpFixture.PASSWORD, address(), Map.of("Sec-Fetch-Site", "cross-site")).status()).isEqualTo(403);
        assertThat(signIn(email, HttpFixture.PASSWORD, address(),
                Map.of("Origin", "http://localhost:" + port, "Sec-Fetch-Site", "same-origin")).header("Location")).isEqualTo("/");
        var session = t.session("Pat Planner");
        var forged = session.send("POST", "/logout", null, Map.of("Origin", "https://evil.example"));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.code()).isEqualTo("CROSS_ORIGIN");
        assertThat(session.send("POST", "/logout", null, Map.of("Sec-Fetch-Site", "same-site")).status()).isEqualTo(403);
        assertThat(session.get(t.base + "/users/" + pat + "/balance").status()).as("still signed in").isEqualTo(200);
    }

    @Test
    void a_redirect_never_carries_the_host_header_the_client_sent() throws IOException {
        var t = new HttpFixture(port);
        for (String path : new String[] {"/app/tenants/" + t.tenant + "/credits", "/"}) {
            String response = raw("GET " + path + " HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 302");
            assertThat(response).containsPattern("(?i)location: /login").doesNotContain("evil.example");
        }
    }

    private String raw(String request) throws IOException {
        try (var socket = new Socket("localhost", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            var bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }
    }
}

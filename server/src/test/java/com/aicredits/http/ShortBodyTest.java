package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A body shorter than its Content-Length, after which the client half-closes its side (it sends nothing more but
 * waits for the answer), cannot be read to its end. Tomcat answers 400 through the error dispatch, and that answer
 * is the service's error shape for the path (a problem detail, or an RFC 7644 error on SCIM) saying the body was cut
 * short, never Spring Boot's default error JSON; and nothing is written.
 */
@TestApplication
class ShortBodyTest {

    /** Bytes declared beyond those sent. */
    private static final int MISSING = 40;

    @LocalServerPort int port;

    @Test
    void a_purchase_cut_short_is_a_problem_detail_and_records_nothing() throws IOException {
        var t = new HttpFixture(port);
        String before = t.platform.get(t.base + "/purchases").text();
        // A complete JSON object, so only the missing bytes can be what is wrong.
        String body = "{\"credits\":5,\"reference\":\"PO-" + UUID.randomUUID() + "\"}";
        String answer = send("POST", t.base + "/purchases", HttpFixture.PLATFORM_KEY, "application/json", body,
                "Idempotency-Key: " + UUID.randomUUID() + "\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400").contains("application/problem+json")
                .contains("\"code\":\"VALIDATION_FAILED\"").contains("cut short").doesNotContain("\"timestamp\"");
        assertThat(t.platform.get(t.base + "/purchases").text()).isEqualTo(before);
    }

    @Test
    void an_authorize_cut_short_is_a_problem_detail_and_holds_nothing() throws IOException {
        var t = new HttpFixture(port);
        String user = t.user("Ada Admin", "Admin");
        t.purchase("1000");
        t.assign(user, "100");
        String balance = t.consumer().get(t.base + "/users/" + user + "/balance").text();
        String body = "{\"requestId\":\"short-1\",\"userId\":\"" + user + "\",\"feature\":\"canvas\",\"estimate\":1}";
        String answer = send("POST", t.base + "/consumption/authorize", t.consumeKeyText, "application/json", body, "");
        assertThat(answer).startsWith("HTTP/1.1 400").contains("application/problem+json")
                .contains("\"code\":\"VALIDATION_FAILED\"").contains("cut short").doesNotContain("\"timestamp\"");
        assertThat(t.consumer().get(t.base + "/consumption/short-1").status()).isEqualTo(404);
        assertThat(t.consumer().get(t.base + "/users/" + user + "/balance").text()).isEqualTo(balance);
    }

    @Test
    void a_scim_call_cut_short_is_an_rfc_7644_error() throws IOException {
        var t = new HttpFixture(port);
        String body = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"short@example.com\"}";
        String answer = send("POST", "/scim/v2/Users", t.key("scim"), "application/scim+json", body, "");
        assertThat(answer).startsWith("HTTP/1.1 400").contains("application/scim+json")
                .contains("urn:ietf:params:scim:api:messages:2.0:Error").contains("cut short")
                .doesNotContain("\"timestamp\"");
    }

    @Test
    void a_form_cut_short_in_a_browser_closes_the_connection_and_changes_nothing() throws Exception {
        var t = new HttpFixture(port);
        String user = t.user("Ada Admin", "Admin");
        t.purchase("1000");
        String balance = t.consumer().get(t.base + "/users/" + user + "/balance").text();
        var cookies = new CookieManager();
        var http = HttpClient.newBuilder().cookieHandler(cookies).build();
        var login = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + URLEncoder.encode(t.email("Ada Admin"),
                        StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(HttpFixture.PASSWORD, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        String csrf = ApiClient.csrfTokenOf(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        String session = cookies.getCookieStore().getCookies().stream().map(Object::toString)
                .reduce((a, b) -> a + "; " + b).orElseThrow();
        String form = "userId=" + user + "&credits=5&idempotencyKey=" + UUID.randomUUID();
        String headers = "Cookie: " + session + "\r\nX-CSRF-TOKEN: " + csrf + "\r\n";
        String assign = "/app/tenants/" + t.tenant + "/credits/assign";

        // Tomcat reads a form itself, as it parses the parameters; at the end of the stream it takes the client for
        // gone and closes the connection without an answer (Request.parseParameters): there is nobody to show a page
        // to. Never the default error JSON, and the form did nothing.
        assertThat(send("POST", assign, null, "application/x-www-form-urlencoded", form, headers + "Accept: text/html\r\n"))
                .as("the answer to a form cut short").isEmpty();
        assertThat(t.consumer().get(t.base + "/users/" + user + "/balance").text()).isEqualTo(balance);
    }

    /** The request with MISSING bytes fewer than its Content-Length says, then the sending side closed. */
    private String send(String method, String path, String key, String type, String body, String headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return RawHttp.exchange(port, (method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + "Content-Type: " + type + "\r\n"
                + (headers.contains("Accept:") ? "" : "Accept: application/json\r\n") + headers + "Content-Length: "
                + (bytes.length + MISSING) + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8), true);
    }
}

package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 17, finding 4: an Idempotency-Key with bytes above 0x7F, sent raw as curl sends it (the JDK's HTTP
 * client cannot send such a header, so this test writes the request itself), is a 400 problem naming the
 * header, on the platform's and an admin's POSTs alike.
 */
@TestApplication
class NonAsciiHeaderTest {

    @LocalServerPort int port;

    @Test
    void a_non_ascii_idempotency_key_is_refused_with_a_problem() throws IOException {
        var t = new HttpFixture(port);
        String user = t.user("Ada Admin", "Admin");
        for (String[] call : new String[][] {
                {"/api/v1/tenants", HttpFixture.PLATFORM_KEY, "{\"name\": \"Acme\"}"},
                {t.base + "/users", t.adminKeyText, "{\"name\": \"Nia\", \"email\": \"nia@x.example\", \"role\": \"Viewer\"}"},
                {t.base + "/purchases", HttpFixture.PLATFORM_KEY, "{\"credits\": 5, \"reference\": \"PO-1\"}"},
                {t.base + "/credits/users/" + user + "/assign", t.adminKeyText, "{\"credits\": 1}"}}) {
            for (String key : new String[] {"cl\u00e9", "\u65e5\u672c", "r\u00e9essai-\u00ff"}) {
                String response = post(call[0], call[1], key, call[2]);
                assertThat(response).as(call[0] + " with key " + key).startsWith("HTTP/1.1 400")
                        .contains("application/problem+json").contains("\"code\":\"VALIDATION_FAILED\"")
                        .contains("Idempotency-Key");
            }
        }
    }

    /** The key goes out as its UTF-8 bytes, the rest as ASCII. */
    private String post(String path, String bearer, String key, String body) throws IOException {
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        var request = new ByteArrayOutputStream();
        request.writeBytes(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Authorization: Bearer " + bearer + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + json.length + "\r\nIdempotency-Key: ").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(key.getBytes(StandardCharsets.UTF_8));
        request.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(json);
        return RawHttp.exchange(port, request.toByteArray(), false);
    }
}

package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.api.Limits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A refusal given before the body is read (too large by its Content-Length; no valid key) reaches a client that
 * sends the whole body before it reads, as the JDK's HTTP client and most others do without {@code Expect:
 * 100-continue}. Were the service to close the connection with the body unread, the client's operating system would
 * receive a reset and drop the answer: the client would see a connection error instead of the 413 or 401 (a bulk
 * file a little over 4 MiB failed so, about 1 in 40, in {@code BadAllocationInputTest}).
 */
@TestApplication
class OversizedBodyTest {

    private static final Duration PAUSE = Duration.ofMillis(500);

    /**
     * Three times the bulk limit: more than the sockets' buffers hold on loopback (about 6 MiB here), so that a
     * service that closed the connection without reading it would break the client's sending.
     */
    private static final int UNREAD = 3 * Limits.MAX_BULK_BODY_BYTES;

    @LocalServerPort int port;

    @Test
    void a_body_over_its_limit_by_length_is_answered_413_after_the_client_sent_it_all() throws IOException {
        var t = new HttpFixture(port);
        // A bulk file (limit 4 MiB) and a JSON body (64 KiB).
        for (var call : List.of(List.of(t.base + "/credits/bulk.csv?operation=add", t.adminKeyText),
                List.of(t.base + "/purchases", HttpFixture.PLATFORM_KEY))) {
            String answer = RawHttp.exchange(port, request(call.get(0), call.get(1), UNREAD), false, PAUSE);
            assertThat(answer).as(call.get(0)).startsWith("HTTP/1.1 413").contains("\"code\":\"BODY_TOO_LARGE\"");
        }
    }

    @Test
    void a_bulk_file_with_a_wrong_key_is_answered_401_after_the_client_sent_it_all() throws IOException {
        var t = new HttpFixture(port);
        // Chunked, so that the size alone does not refuse it before the key is checked.
        String answer = RawHttp.exchange(port, chunked(t.base + "/credits/bulk.csv?operation=add", "not-a-key",
                UNREAD), false, PAUSE);
        assertThat(answer).startsWith("HTTP/1.1 401");
    }

    private static byte[] request(String path, String key, int length) throws IOException {
        var bytes = head(path, key, "Content-Length: " + length);
        bytes.write("x".repeat(length).getBytes(StandardCharsets.US_ASCII));
        return bytes.toByteArray();
    }

    private static byte[] chunked(String path, String key, int length) throws IOException {
        var bytes = head(path, key, "Transfer-Encoding: chunked");
        int chunk = 64 * 1024;
        for (int sent = 0; sent < length; sent += chunk) {
            bytes.write((Integer.toHexString(chunk) + "\r\n" + "x".repeat(chunk) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        bytes.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return bytes.toByteArray();
    }

    private static ByteArrayOutputStream head(String path, String key, String framing) throws IOException {
        var bytes = new ByteArrayOutputStream();
        bytes.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\nAuthorization: Bearer "
                + key + "\r\nIdempotency-Key: " + UUID.randomUUID() + "\r\n" + framing
                + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return bytes;
    }
}

package com.aicredits.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * One signed POST to an endpoint, with the JDK's HTTP client: no redirects followed (a 3xx is a failed attempt,
 * so a redirect cannot lead a delivery to an inside address), {@code aicredits.webhooks.timeout} (10 s) to connect
 * and to answer. The target is checked again just before sending ({@link Targets}): what the name resolves to now
 * is what counts, and the client's own lookup right after is answered from the JVM's address cache.
 */
@Component
class Sender {

    static final int EXCERPT_BYTES_MAX = 1024;
    static final int ERROR_LENGTH_MAX = 500;

    /** An attempt's outcome: {@code statusCode} null when no answer came, {@code error} null on success. */
    /** {@code retryAfter}: how long the receiver asked to be left alone (its Retry-After, in seconds), or null. */
    record Result(Integer statusCode, int latencyMs, String excerpt, String error, Duration retryAfter) {

        Result(Integer statusCode, int latencyMs, String excerpt, String error) {
            this(statusCode, latencyMs, excerpt, error, null);
        }

        boolean succeeded() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }

        /** Standard Webhooks: "410 Gone: ... Sender should disable the webhook endpoint, and stop sending it messages." */
        boolean gone() {
            return statusCode != null && statusCode == 410;
        }
    }

    private final Targets targets;
    private final Clock clock;
    private final Duration timeout;
    private final HttpClient http;

    Sender(Targets targets, Clock clock, @Value("${aicredits.webhooks.timeout:10s}") Duration timeout) {
        this.targets = targets;
        this.clock = clock;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    Result send(String url, String webhookId, String body, String secret) {
        switch (targets.check(url)) {
            case Targets.Verdict.Unsafe(var reason) -> {
                return new Result(null, 0, null, "not sent, unsafe target: " + reason);
            }
            case Targets.Verdict.Unresolved(var uri, var host) -> {
                return new Result(null, 0, null, "not sent: " + host + " does not resolve");
            }
            case Targets.Verdict.Safe safe -> {
                return post(safe, webhookId, body, secret);
            }
        }
    }

    private Result post(Targets.Verdict.Safe target, String webhookId, String body, String secret) {
        long timestamp = clock.instant().getEpochSecond();
        var request = HttpRequest.newBuilder(target.uri()).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "AI-Credits-Webhooks/1")
                .header("webhook-id", webhookId)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", Signature.sign(secret, webhookId, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        long start = System.nanoTime();
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String excerpt;
            try (InputStream in = response.body()) {
                // The timeout covers the answer's headers; a body that trickles is cut off after as long again.
                var watchdog = Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(timeout);
                        in.close();
                    } catch (InterruptedException | IOException done) {
                        // read in time, or already closed
                    }
                });
                try {
                    excerpt = excerpt(in.readNBytes(EXCERPT_BYTES_MAX));
                } catch (IOException cut) {
                    excerpt = null;
                } finally {
                    watchdog.interrupt();
                }
            }
            int status = response.statusCode();
            String error = status >= 200 && status < 300 ? null
                    : status >= 300 && status < 400 ? "answered " + status + " (redirects are not followed)"
                    : "answered " + status;
            return new Result(status, millisSince(start), excerpt, error,
                    response.headers().firstValue("Retry-After").flatMap(Sender::seconds).orElse(null));
        } catch (HttpConnectTimeoutException e) {
            return new Result(null, millisSince(start), null, "no connection within " + timeout.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            return new Result(null, millisSince(start), null, "no answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            return new Result(null, millisSince(start), null, shorten(e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(null, millisSince(start), null, "interrupted (the service is stopping)");
        }
    }

    /** A Retry-After of delta-seconds ("120"); its HTTP-date form, rare from receivers, is left to the backoff. */
    private static java.util.Optional<Duration> seconds(String header) {
        return header.strip().matches("[0-9]{1,9}") ? java.util.Optional.of(Duration.ofSeconds(Long.parseLong(header.strip())))
                : java.util.Optional.empty();
    }

    /** At most 1 KB of UTF-8, without NUL characters (PostgreSQL text cannot hold them). */
    static String excerpt(byte[] bytes) {
        if (bytes.length == 0) {
            return null;
        }
        String text = new String(bytes, StandardCharsets.UTF_8).replace('\u0000', ' ');
        while (text.getBytes(StandardCharsets.UTF_8).length > EXCERPT_BYTES_MAX) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }

    private static String shorten(String text) {
        String clean = text.replace('\u0000', ' ');
        return clean.length() <= ERROR_LENGTH_MAX ? clean : clean.substring(0, ERROR_LENGTH_MAX);
    }

    private static int millisSince(long startNanos) {
        return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - startNanos) / 1_000_000);
    }
}

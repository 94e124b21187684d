package com.aicredits.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The client's HTTP calls to one tenant's API, with the bounded retries that make them safe to repeat. */
final class Transport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final String apiKey;
    private final HttpClient http;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration backoff;

    Transport(URI base, String apiKey, HttpClient http, Duration timeout, int maxAttempts, Duration backoff) {
        this.base = base;
        this.apiKey = apiKey;
        this.http = http;
        this.timeout = timeout;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
    }

    record Response(int status, String body, boolean replayed) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    /**
     * One call with retries: timeouts, connection failures and 5xx answers are retried with the same body
     * (so the same requestId); any other answer is returned as it is.
     */
    Response call(String method, String path, Object body) {
        var request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + apiKey).header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        var built = request.build();
        int lastStatus = 0;
        Exception lastError = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            try {
                var response = http.send(built, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() < 500) {
                    return new Response(response.statusCode(), response.body(),
                            response.headers().firstValue("Idempotent-Replayed").map("true"::equals).orElse(false));
                }
                lastStatus = response.statusCode();
                lastError = null;
            } catch (IOException e) {
                lastError = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CreditsServiceException("interrupted while calling the credits service", 0, e);
            }
            if (attempt < maxAttempts) {
                pause(attempt);
            }
        }
        throw new CreditsServiceException(method + " " + path + " failed after " + maxAttempts + " attempts"
                + (lastStatus > 0 ? " (last status " + lastStatus + ")" : ""), lastStatus, lastError);
    }

    private void pause(int attempt) {
        long base = backoff.toMillis() << Math.min(attempt - 1, 10);
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        try {
            Thread.sleep(jittered);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CreditsServiceException("interrupted while waiting to retry", 0, e);
        }
    }
}

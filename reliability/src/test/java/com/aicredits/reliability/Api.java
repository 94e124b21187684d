package com.aicredits.reliability;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service's HTTP API as the admin side and the platform call it (the client library covers the AI
 * feature's side). Every server error and every timeout it meets is kept, because how the service fails is
 * itself under test: a 503 with problem details, quickly, never a hang or a 500.
 */
final class Api {

    /** Longer than any refusal may take, so a request that hangs is told from one that is refused slowly. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What came back: the status, the problem's code if any, the body, whether it was a replay, how long it took. */
    record Answer(int status, String contentType, JsonNode body, boolean replayed, Duration elapsed) {
        String code() {
            return body != null && body.has("code") ? body.get("code").asString() : null;
        }

        Long thousandths(String field) {
            return body != null && body.hasNonNull(field) ? Amounts.thousandths(body.get(field).decimalValue()) : null;
        }
    }

    /** A 5xx, or no answer within the timeout, on a request sent at {@code sentAt} (test clock, nanoTime). */
    record Failure(String request, int status, String contentType, String code, Duration elapsed, long sentAt) {
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final Queue<Failure> failures = new ConcurrentLinkedQueue<>();

    Api(URI service) {
        this.base = service.resolve("/api/v1/");
    }

    // ------------------------------------------------------------------ platform and directory (set-up)

    UUID createTenant(String platformKey, String name) throws IOException {
        return uuid(expect(201, post(platformKey, "tenants", Map.of("name", name), null)), "id");
    }

    String issueKey(String platformKey, UUID tenant, String scope) throws IOException {
        return expect(201, post(platformKey, "tenants/" + tenant + "/api-keys", Map.of("scope", scope, "name", "faults-" + scope), null))
                .body().get("key").asString();
    }

    UUID registerUser(String adminKey, UUID tenant, String name, String email) throws IOException {
        return uuid(expect(201, post(adminKey, "tenants/" + tenant + "/users",
                Map.of("name", name, "email", email, "role", "Planner"), "user-" + email)), "id");
    }

    /** An Admin who can sign in on the web pages with {@code password}. */
    UUID registerAdmin(String adminKey, UUID tenant, String name, String email, String password) throws IOException {
        return uuid(expect(201, post(adminKey, "tenants/" + tenant + "/users",
                Map.of("name", name, "email", email, "role", "Admin", "password", password), "user-" + email)), "id");
    }

    void purchase(String platformKey, UUID tenant, BigDecimal credits, String reference) throws IOException {
        expect(201, post(platformKey, "tenants/" + tenant + "/purchases", Map.of("credits", credits, "reference", reference),
                "purchase-" + reference));
    }

    /** The tenant's low-balance alert at this percentage of a user's assigned credits. */
    void alertUsersBelow(String adminKey, UUID tenant, int percent) throws IOException {
        expect(200, send("PATCH", adminKey, "tenants/" + tenant + "/settings",
                Map.of("alerts", Map.of("userLowPercent", percent)), "settings-" + UUID.randomUUID()));
    }

    /** Registers a webhook endpoint for every event type; its id. */
    UUID registerWebhook(String adminKey, UUID tenant, String url) throws IOException {
        return uuid(expect(201, post(adminKey, "tenants/" + tenant + "/webhooks", Map.of("url", url, "events", List.of("*")),
                "webhook-" + UUID.randomUUID())), "id");
    }

    /** The drifts the service's reconciliation finds across every tenant (an empty list when the ledger is sound). */
    List<String> reconciliationDrifts(String platformKey) throws IOException {
        var answer = expect(200, send("GET", platformKey, "reconciliation", null, null));
        return answer.body().get("drifts").valueStream().map(JsonNode::asString).toList();
    }

    // ------------------------------------------------------------------ the operations under load

    /** Assign, add or remove credits ({@code action}) with an Idempotency-Key. */
    Answer allocate(String adminKey, UUID tenant, UUID user, String action, BigDecimal credits, String idempotencyKey)
            throws IOException {
        return post(adminKey, "tenants/" + tenant + "/credits/users/" + user + "/" + action, Map.of("credits", credits),
                idempotencyKey);
    }

    /** A charge sent by hand rather than through the client library, so the raw answer (a 503 and its body) is seen. */
    Answer charge(String consumeKey, UUID tenant, String requestId, UUID user, String feature, BigDecimal cost)
            throws IOException {
        return post(consumeKey, "tenants/" + tenant + "/consumption/charge",
                Map.of("requestId", requestId, "userId", user, "feature", feature, "cost", cost), null);
    }

    Answer balance(String consumeKey, UUID tenant, UUID user) throws IOException {
        return send("GET", consumeKey, "tenants/" + tenant + "/users/" + user + "/balance", null, null);
    }

    /** The admin table's rows for the users whose name or e-mail holds {@code search}. */
    Answer users(String adminKey, UUID tenant, String search) throws IOException {
        return send("GET", adminKey, "tenants/" + tenant + "/credits/users?q=" + search, null, null);
    }

    /**
     * A series of the service's Prometheus page: {@code name} with the label {@code label} among its labels, e.g.
     * {@code aicredits_reads_total} and {@code on="standby"}, or a series without labels when {@code label} is empty;
     * 0 when absent.
     */
    double metric(String name, String label) throws IOException {
        var request = HttpRequest.newBuilder(base.resolve("/actuator/prometheus")).timeout(REQUEST_TIMEOUT).build();
        try {
            String page = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            return page.lines().filter(line -> line.startsWith(name + "{") && line.contains(label)
                    || label.isEmpty() && line.startsWith(name + " ")).findFirst()
                    .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).orElse(0.0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    List<Failure> failures() {
        return List.copyOf(failures);
    }

    // ------------------------------------------------------------------ plumbing

    private Answer post(String key, String path, Object body, String idempotencyKey) throws IOException {
        return send("POST", key, path, body, idempotencyKey);
    }

    private Answer send(String method, String key, String path, Object body, String idempotencyKey) throws IOException {
        var request = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + key).header("Accept", "application/json");
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        String described = method + " " + path;
        long sentAt = System.nanoTime();
        try {
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            var elapsed = Duration.ofNanos(System.nanoTime() - sentAt);
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            JsonNode json = parse(response.body());
            var answer = new Answer(response.statusCode(), contentType, json,
                    response.headers().firstValue("Idempotent-Replayed").map("true"::equals).orElse(false), elapsed);
            if (answer.status() >= 500) {
                failures.add(new Failure(described, answer.status(), contentType, answer.code(), elapsed, sentAt));
            }
            return answer;
        } catch (HttpTimeoutException e) {
            failures.add(new Failure(described, 0, "", "TIMEOUT", Duration.ofNanos(System.nanoTime() - sentAt), sentAt));
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private static Answer expect(int status, Answer answer) {
        if (answer.status() != status) {
            throw new IllegalStateException("expected " + status + " but got " + answer.status() + ": " + answer.body());
        }
        return answer;
    }

    private static UUID uuid(Answer answer, String field) {
        return UUID.fromString(answer.body().get(field).asString());
    }
}

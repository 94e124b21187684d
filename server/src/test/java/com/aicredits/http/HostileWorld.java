package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.AiCreditsApplication;
import com.aicredits.ApiClient;
import com.aicredits.ApiClient.Response;
import com.aicredits.TestApplication;
import com.aicredits.ledger.Ledger;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The running application, two tenants made through the API, and the snapshot every attack is checked against. */
final class HostileWorld {

    static final String UNKNOWN_UUID = "00000000-0000-4000-8000-00000000dead";
    private static HostileWorld world;

    final ConfigurableApplicationContext context;
    final int port;
    final Ledger ledger;
    final HttpFixture t;
    final HttpFixture other;
    final String ada;
    final String bob;
    final String eve;
    final String authorized;
    final String settled;
    final String voided;
    final String keyId;
    final String scimKeyText;
    /** A disabled webhook endpoint (so no delivery attempt changes it between snapshots) and one pending delivery. */
    final String webhook;
    final String delivery;
    final List<ApiOperation> operations;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    private TenantState state;
    private TenantState otherState;
    private String tenants;

    static synchronized HostileWorld get() {
        if (world == null) {
            world = new HostileWorld();
        }
        return world;
    }

    static synchronized void stop() {
        if (world != null) {
            world.context.close();
            world = null;
        }
    }

    private HostileWorld() {
        context = new SpringApplicationBuilder(AiCreditsApplication.class, TestApplication.Clock.class)
                .profiles("test").run();
        port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        ledger = context.getBean(Ledger.class);
        t = new HttpFixture(port);
        other = new HttpFixture(port);
        ada = register(t, "Ada Funded", "Planner");
        bob = register(t, "Bob Unfunded", "Viewer");
        eve = register(other, "Eve Other", "Planner");
        t.purchase("1000");
        t.assign(ada, "100");
        other.purchase("500");
        other.assign(eve, "50");
        authorized = consume("authorize", Map.of("userId", ada, "feature", "canvas", "estimate", 3));
        settled = consume("charge", Map.of("userId", ada, "feature", "canvas", "cost", 2));
        voided = consume("authorize", Map.of("userId", ada, "feature", "canvas"));
        assertThat(t.consumer().post(t.base + "/consumption/" + voided + "/void", null).status()).isEqualTo(200);
        keyId = t.issue("consume").id();
        scimKeyText = t.key("scim");
        var endpoint = t.platform.post(t.base + "/webhooks", Map.of("url", "https://hooks.example.invalid/hostile",
                "events", List.of("*")));
        assertThat(endpoint.status()).as(endpoint.text()).isEqualTo(201);
        webhook = endpoint.json().get("id").asString();
        assertThat(t.platform.patch(t.base + "/webhooks/" + webhook, Map.of("enabled", false)).status()).isEqualTo(200);
        var test = t.platform.post(t.base + "/webhooks/" + webhook + "/test", null);
        assertThat(test.status()).as(test.text()).isEqualTo(202);
        delivery = test.json().get("deliveryId").asString();
        // Single sign-on set, so an attack that changed or removed it would show in the snapshot.
        assertThat(t.platform.send("PUT", t.base + "/sso", Map.of("issuer", "https://login.example.com/t/v2.0",
                "clientId", "hostile-world", "clientSecret", "hostile-world-secret"), Map.of()).status()).isEqualTo(200);
        operations = ApiOperation.of(ApiClient.anonymous(port).get("/v3/api-docs").json());
        assertThat(operations).as("operations of the OpenAPI document").hasSizeGreaterThanOrEqualTo(25);
        assertThat(operations).as("operations that take a CSV file (bulk changes), attacked with hostile files")
                .anyMatch(ApiOperation::takesCsv);
        // The invalid values are chosen by JSON type: a number field read as a string would get "42".
        assertThat(operations.stream().filter(ApiOperation::takesBody).flatMap(o -> o.body().stream())
                .filter(f -> Set.of("credits", "cost", "estimate").contains(f.name())))
                .as("amount fields").isNotEmpty().allMatch(f -> f.type().equals("number"));
        state = TenantState.of(t);
        otherState = TenantState.of(other);
        tenants = t.platform.get("/api/v1/tenants").text();
    }

    private static String register(HttpFixture f, String name, String role) {
        var response = f.platform.post(f.base + "/users", Map.of("name", name, "email", f.email(name), "role", role));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    private String consume(String call, Map<String, Object> body) {
        String request = "r-" + UUID.randomUUID();
        var withId = new LinkedHashMap<String, Object>(body);
        withId.put("requestId", request);
        var response = t.consumer().post(t.base + "/consumption/" + call, withId);
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return request;
    }

    Response send(Attack attack) {
        String bearer = "Bearer " + switch (attack.caller()) {
            case "platform" -> HttpFixture.PLATFORM_KEY;
            case "admin" -> t.adminKeyText;
            case "consume" -> t.consumeKeyText;
            case "scim" -> scimKeyText;
            default -> throw new IllegalArgumentException(attack.caller());
        };
        if (attack.headers().values().stream().anyMatch(v -> v.chars().anyMatch(c -> c > 0x7E))) {
            return sendAsBytes(attack, bearer);
        }
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + attack.uri()))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json, application/problem+json")
                .header("Authorization", bearer);
        if (attack.contentType() != null) {
            request.header("Content-Type", attack.contentType());
        }
        attack.headers().forEach(request::header);
        byte[] body = attack.body();
        request.method(attack.operation().method(), body == null ? HttpRequest.BodyPublishers.noBody()
                : attack.chunked() ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new AssertionError("no answer to " + attack, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The JDK's client refuses to send a header that is not ASCII, which is exactly what a hostile client sends:
     * such an attack goes out as bytes on a socket, its headers in UTF-8, as HTTP/1.0 so the answer ends with
     * the connection instead of coming in chunks.
     */
    private Response sendAsBytes(Attack attack, String bearer) {
        var head = new StringBuilder(attack.operation().method() + " " + attack.uri() + " HTTP/1.0\r\n")
                .append("Host: localhost\r\nAccept: application/json, application/problem+json\r\n")
                .append("Authorization: ").append(bearer).append("\r\n");
        if (attack.contentType() != null) {
            head.append("Content-Type: ").append(attack.contentType()).append("\r\n");
        }
        attack.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        byte[] body = attack.body() == null ? new byte[0] : attack.body();
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        try (var socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(head.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int end = answer.indexOf("\r\n\r\n");
            var lines = answer.substring(0, end).split("\r\n");
            var headers = new LinkedHashMap<String, List<String>>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(), k -> new java.util.ArrayList<>())
                        .add(lines[i].substring(colon + 1).strip());
            }
            return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, answer.substring(end + 4));
        } catch (IOException e) {
            throw new AssertionError("no answer to " + attack, e);
        }
    }

    /**
     * Both tenants and the tenant list look exactly as before the attack, and the whole ledger reconciles.
     * The snapshot moves on even when this fails, so one change is blamed on the attack that made it, not
     * on every later one.
     */
    void assertNothingChanged(Attack attack, String why) {
        var before = state;
        var tenantsBefore = tenants;
        state = TenantState.of(t);
        tenants = t.platform.get("/api/v1/tenants").text();
        assertThat(state.views()).as("the tenant after " + why).isEqualTo(before.views());
        assertThat(tenants).as("the tenant list after " + why).isEqualTo(tenantsBefore);
        if (Stream.of(other.tenant, eve).anyMatch(attack::mentions)) {
            assertOtherTenantUnchanged(why);
        }
        assertThat(ledger.reconcile().drifts()).as("drifts after " + why).isEmpty();
    }

    void assertOtherTenantUnchanged(String why) {
        var before = otherState;
        otherState = TenantState.of(other);
        assertThat(otherState.views()).as("the other tenant after " + why).isEqualTo(before.views());
    }
}

package com.aicredits;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls the running application over real HTTP, as an integration would: with a bearer API key, with a
 * signed-in browser session (cookies and the CSRF header), or with no credentials.
 */
public final class ApiClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final HttpClient http;
    private final CookieManager cookies;
    private final String bearer;
    /** The session's CSRF token as the last page rendered it (masked; any rendering of it is valid). */
    private volatile String csrfToken;

    private ApiClient(String base, String bearer, CookieManager cookies) {
        this.base = base;
        this.bearer = bearer;
        this.cookies = cookies;
        var builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER);
        if (cookies != null) {
            builder.cookieHandler(cookies);
        }
        this.http = builder.build();
    }

    public static ApiClient anonymous(int port) {
        return new ApiClient("http://localhost:" + port, null, null);
    }

    public static ApiClient bearer(int port, String key) {
        return new ApiClient("http://localhost:" + port, key, null);
    }

    /** Signs in through the login form, as a browser does; the client then carries the session. */
    public static ApiClient session(int port, String email, String password) {
        var client = new ApiClient("http://localhost:" + port, null, new CookieManager());
        client.send("GET", "/login", null, Map.of());
        var login = client.sendForm("/login", "username=" + enc(email) + "&password=" + enc(password));
        if (login.status() != 302 || login.header("Location").contains("error")) {
            throw new IllegalStateException("sign-in failed for " + email + ": " + login.status() + " " + login.header("Location"));
        }
        client.csrfToken = csrfTokenOf(client.send("GET", "/login", null, Map.of()).text()); // renewed at sign-in
        return client;
    }

    /** The same signed-in browser (cookies, CSRF token) talking to another instance on this host. */
    public ApiClient at(int port) {
        var other = new ApiClient("http://localhost:" + port, bearer, cookies);
        other.csrfToken = csrfToken;
        return other;
    }

    /** The token a page carries for its script: {@code <meta name="csrf-token" content="…">}. */
    public static String csrfTokenOf(String page) {
        var matcher = java.util.regex.Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\"").matcher(page);
        return matcher.find() ? matcher.group(1) : null;
    }

    public record Response(int status, Map<String, List<String>> headers, String text) {
        public JsonNode json() {
            return JSON.readTree(text);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse("");
        }

        /** Whether the body is declared UTF-8: JSON's own encoding when no charset is named, or named as such. */
        public boolean declaresUtf8() {
            String type = header("Content-Type").toLowerCase(java.util.Locale.ROOT).replace(" ", "");
            return !type.contains(";charset=") || type.contains(";charset=utf-8");
        }

        public String code() {
            return text.isBlank() ? null : json().path("code").asString(null);
        }
    }

    public Response get(String path) {
        return send("GET", path, null, Map.of());
    }

    public Response post(String path, Object body) {
        return send("POST", path, body, Map.of());
    }

    public Response post(String path, Object body, String idempotencyKey) {
        return send("POST", path, body, Map.of("Idempotency-Key", idempotencyKey));
    }

    public Response patch(String path, Object body) {
        return send("PATCH", path, body, Map.of());
    }

    public Response delete(String path) {
        return send("DELETE", path, null, Map.of());
    }

    /** {@code body}: a String is sent as it is (for malformed JSON), anything else as JSON. */
    public Response send(String method, String path, Object body, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
        request.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
        if (text != null && headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            request.header("Content-Type", "application/json");
        }
        if (headers.keySet().stream().noneMatch("Accept"::equalsIgnoreCase)) {
            request.header("Accept", "application/json, application/problem+json");
        }
        headers.forEach(request::header);
        authenticate(request);
        return execute(request.build());
    }

    /** Sends {@code body} as it is, with the given Content-Type (none when null): files, and bodies that are not JSON. */
    public Response sendBytes(String method, String path, byte[] body, String contentType, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Accept", "application/json, application/problem+json");
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        authenticate(request);
        return execute(request.build());
    }

    /**
     * Opens an event stream, as a page does, and queues the data of every event it receives. Returns once
     * the server has answered, so the stream is registered before the caller changes anything.
     */
    public BlockingQueue<String> events(String path) {
        var request = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream");
        authenticate(request);
        try {
            var response = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines()).get(30, TimeUnit.SECONDS);
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
            }
            var received = new LinkedBlockingQueue<String>();
            Thread.ofVirtual().start(() -> response.body().filter(line -> line.startsWith("data:"))
                    .forEach(line -> received.add(line.substring("data:".length()))));
            return received;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response sendForm(String path, String form) {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        authenticate(request);
        return execute(request.build());
    }

    private void authenticate(HttpRequest.Builder request) {
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (cookies != null && csrfToken != null) {
            request.header("X-CSRF-TOKEN", csrfToken);
        }
    }

    private Response execute(HttpRequest request) {
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
    }
}

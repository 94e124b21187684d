package com.aicredits.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SCIM calls as a customer's directory makes them: raw HTTP with a bearer key and application/scim+json bodies,
 * so a test sends exactly the bytes Entra ID or Okta would, and reads the answer as JSON.
 */
final class ScimRequests {

    static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int port;

    ScimRequests(int port) {
        this.port = port;
    }

    /** {@code key} null sends no credentials; {@code body} null sends none (and no Content-Type). */
    HttpResponse<String> send(String key, String method, String path, String body) {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", "application/scim+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/scim+json");
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A PatchOp request of these operations, each a JSON object. */
    static String patchOf(String... operations) {
        return "{\"schemas\":[\"" + PATCH_OP + "\"],\"Operations\":[" + String.join(",", operations) + "]}";
    }

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    /** The user as the tenant's admin API lists it. */
    static JsonNode user(HttpFixture t, String id) {
        for (JsonNode user : t.platform.get(t.base + "/users").json()) {
            if (user.get("id").asString().equals(id)) {
                return user;
            }
        }
        throw new AssertionError("no user " + id);
    }
}

package com.aicredits.http;

import com.unboundid.scim2.client.ScimService;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
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

    /** A real SCIM client (UnboundID's scim2-sdk-client, on Jersey) with the key. */
    ScimService client(String key) {
        // The JDK's HttpClient as Jersey's connector: HttpURLConnection (the default) cannot send PATCH.
        var config = new org.glassfish.jersey.client.ClientConfig().connectorProvider(JdkConnector.PROVIDER);
        var target = ClientBuilder.newClient(config).target("http://localhost:" + port + "/scim/v2")
                .register((ClientRequestFilter) request -> request.getHeaders().putSingle("Authorization", "Bearer " + key));
        return new ScimService(target);
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

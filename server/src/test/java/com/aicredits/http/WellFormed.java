package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.ApiClient.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/** Well-formed calls that change something, each on fresh state, for the tests that take one field in or out. */
final class WellFormed {

    private WellFormed() {
    }

    /**
     * A well-formed request on fresh state (a new user, request id or Idempotency-Key each time), so the
     * control request without the smuggled field can succeed whatever the cases before it did.
     */
    record Request(ApiClient client, String method, String path, Map<String, Object> body, Map<String, String> headers) {
        Response send(Map<String, Object> extra) {
            var merged = new LinkedHashMap<String, Object>(body);
            merged.putAll(extra);
            return client.send(method, path, merged, headers);
        }

        Response sendWithout(String field) {
            var less = new LinkedHashMap<String, Object>(body);
            less.remove(field);
            return client.send(method, path, less, headers);
        }

        /** The body with {@code field} left out of each item of the list {@code list}. */
        Response sendWithoutInItem(String list, String field) {
            var less = new LinkedHashMap<String, Object>(body);
            less.put(list, ((List<?>) body.get(list)).stream().map(item -> {
                var fewer = new LinkedHashMap<Object, Object>((Map<?, ?>) item);
                fewer.remove(field);
                return fewer;
            }).toList());
            return client.send(method, path, less, headers);
        }
    }

    static final class Tenants {
        final HttpFixture a;
        final HttpFixture b;
        final String eve;
        final String eveRequest = "eve-" + UUID.randomUUID();

        Tenants(int port) {
            a = new HttpFixture(port);
            b = new HttpFixture(port);
            eve = register(b, "Eve Planner", "Planner");
            a.purchase("100000");
            b.purchase("500");
            b.assign(eve, "50");
            var authorized = b.consumer().post(b.base + "/consumption/authorize",
                    Map.of("requestId", eveRequest, "userId", eve, "feature", "canvas"));
            assertThat(authorized.status()).as(authorized.text()).isEqualTo(201);
        }

        String freshUser() {
            return register(a, "U " + UUID.randomUUID().toString().substring(0, 8), "Viewer");
        }

        String fundedUser() {
            String user = freshUser();
            a.assign(user, "10");
            return user;
        }

        /** A funded user's row of a bulk change, named both ways (both must name the same user): either may go. */
        Map<String, Object> fundedRow() {
            String name = "U " + UUID.randomUUID().toString().substring(0, 8);
            String user = register(a, name, "Viewer");
            a.assign(user, "10");
            return Map.of("userId", user, "email", a.email(name), "credits", 1);
        }

        String authorizedRequest() {
            String request = "r-" + UUID.randomUUID();
            var response = a.consumer().post(a.base + "/consumption/authorize",
                    Map.of("requestId", request, "userId", fundedUser(), "feature", "canvas"));
            assertThat(response.status()).as(response.text()).isEqualTo(201);
            return request;
        }
    }

    private static String register(HttpFixture f, String name, String role) {
        var response = f.platform.post(f.base + "/users", Map.of("name", name, "email", f.email(name), "role", role));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    private static Map<String, String> key() {
        return Map.of("Idempotency-Key", UUID.randomUUID().toString());
    }

    /** One well-formed request per endpoint that changes something, by name; each call of a supplier makes a new one. */
    static Map<String, Supplier<Request>> endpoints(Tenants w) {
        Map<String, Supplier<Request>> endpoints = new LinkedHashMap<>();
        var a = w.a;
        endpoints.put("create tenant", () -> new Request(a.platform, "POST", "/api/v1/tenants",
                Map.of("name", "T " + UUID.randomUUID()), Map.of()));
        endpoints.put("purchase", () -> new Request(a.platform, "POST", a.base + "/purchases",
                Map.of("credits", 5, "reference", "PO-" + UUID.randomUUID()), key()));
        endpoints.put("issue key", () -> new Request(a.platform, "POST", a.base + "/api-keys",
                Map.of("scope", "consume", "name", "k-" + UUID.randomUUID()), Map.of()));
        endpoints.put("register user", () -> new Request(a.admin(), "POST", a.base + "/users",
                Map.of("name", "N", "email", UUID.randomUUID() + "@x.example", "role", "Viewer"), Map.of()));
        endpoints.put("change user", () -> new Request(a.admin(), "PATCH", a.base + "/users/" + w.freshUser(),
                Map.of("name", "Renamed"), Map.of()));
        endpoints.put("assign", () -> new Request(a.admin(), "POST", a.base + "/credits/users/" + w.freshUser() + "/assign",
                Map.of("credits", 5), key()));
        endpoints.put("add", () -> new Request(a.admin(), "POST", a.base + "/credits/users/" + w.fundedUser() + "/add",
                Map.of("credits", 5), key()));
        endpoints.put("remove", () -> new Request(a.admin(), "POST", a.base + "/credits/users/" + w.fundedUser() + "/remove",
                Map.of("credits", 5), key()));
        endpoints.put("authorize", () -> new Request(a.consumer(), "POST", a.base + "/consumption/authorize",
                Map.of("requestId", "r-" + UUID.randomUUID(), "userId", w.fundedUser(), "feature", "canvas"), Map.of()));
        endpoints.put("charge", () -> new Request(a.consumer(), "POST", a.base + "/consumption/charge",
                Map.of("requestId", "r-" + UUID.randomUUID(), "userId", w.fundedUser(), "feature", "canvas", "cost", 1), Map.of()));
        endpoints.put("settle", () -> new Request(a.consumer(), "POST", a.base + "/consumption/" + w.authorizedRequest() + "/settle",
                Map.of("cost", 1), Map.of()));

        endpoints.put("set allowance", () -> new Request(a.admin(), "PUT", a.base + "/credits/users/" + w.freshUser()
                + "/allowance", Map.of("credits", 5, "period", "MONTHLY", "mode", "RESET"), key()));
        endpoints.put("bulk change", () -> new Request(a.admin(), "POST", a.base + "/credits/bulk",
                Map.of("operation", "add", "items", List.of(w.fundedRow())), key()));
        endpoints.put("charge batch", () -> new Request(a.consumer(), "POST", a.base + "/consumption/charges",
                Map.of("items", List.of(Map.of("requestId", "r-" + UUID.randomUUID(), "userId", w.fundedUser(),
                        "feature", "canvas", "cost", 1))), Map.of()));
        endpoints.put("register webhook", () -> new Request(a.admin(), "POST", a.base + "/webhooks",
                Map.of("url", "https://hooks.example.invalid/" + UUID.randomUUID(), "events", List.of("*")), key()));
        return endpoints;
    }
}

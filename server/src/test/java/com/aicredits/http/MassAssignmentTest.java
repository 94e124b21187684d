package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.aicredits.ApiClient;
import com.aicredits.ApiClient.Response;
import com.aicredits.TestApplication;
import com.aicredits.ledger.Ledger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Fields a caller must not set — the tenant, balances, roles, activity, ids, another tenant's user — smuggled
 * into otherwise well-formed bodies. The API refuses unknown fields (400 VALIDATION_FAILED naming the field)
 * and answers another tenant's user as unknown (404); either way neither tenant changes. Each case then
 * sends the same request without the smuggled field and sees it succeed, so the refusal is due to that
 * field alone.
 */
@TestApplication
class MassAssignmentTest {

    @LocalServerPort int port;
    @Autowired Ledger ledger;

    private record Smuggled(String name, Supplier<WellFormed.Request> request, Map<String, Object> extra, int status, String code,
            String field) {
    }

    @TestFactory
    Stream<DynamicTest> fields_a_caller_may_not_set_are_refused_and_change_nothing_in_either_tenant() {
        var w = new WellFormed.Tenants(port);
        var a = w.a;
        String otherTenant = w.b.tenant;
        var cases = new ArrayList<Smuggled>();

        var endpoints = WellFormed.endpoints(w);

        // What a caller might try to set: the tenant, balances, privileges, identities, the actor.
        Map<String, Object> forbidden = new LinkedHashMap<>();
        forbidden.put("tenantId", otherTenant);
        forbidden.put("consumed", 0);
        forbidden.put("assigned", 1_000_000);
        forbidden.put("remaining", 1_000_000);
        forbidden.put("held", 0);
        forbidden.put("available", 1_000_000);
        forbidden.put("unassigned", 1_000_000);
        forbidden.put("role", "Admin");
        forbidden.put("active", false);
        forbidden.put("id", w.eve);
        forbidden.put("userId", w.eve);
        forbidden.put("actor", "platform");
        forbidden.put("scope", "platform");
        forbidden.put("createdAt", "2000-01-01T00:00:00Z");

        endpoints.forEach((endpoint, request) -> forbidden.forEach((field, value) -> {
            boolean allowedHere = switch (endpoint) {
                case "register user" -> field.equals("role");
                case "change user" -> field.equals("role") || field.equals("active");
                case "issue key" -> field.equals("scope");
                case "authorize", "charge" -> field.equals("userId");
                default -> false;
            };
            if (!allowedHere) {
                cases.add(new Smuggled(endpoint + " with " + field, request, Map.of(field, value), 400, "VALIDATION_FAILED",
                        field));
            }
        }));

        // Where a userId is allowed, one of another tenant is as unknown as one that does not exist.
        cases.add(new Smuggled("authorize for another tenant's user", endpoints.get("authorize"), Map.of("userId", w.eve), 404,
                "NOT_FOUND", null));
        cases.add(new Smuggled("charge another tenant's user", endpoints.get("charge"), Map.of("userId", w.eve), 404,
                "NOT_FOUND", null));
        // A role or scope above the allowed ones is no privilege escalation either.
        cases.add(new Smuggled("register user as a platform role", endpoints.get("register user"), Map.of("role", "Platform"),
                400, "VALIDATION_FAILED", "role"));
        cases.add(new Smuggled("change user to a platform role", endpoints.get("change user"), Map.of("role", "Platform"),
                400, "VALIDATION_FAILED", "role"));
        cases.add(new Smuggled("issue a platform-scoped key", endpoints.get("issue key"), Map.of("scope", "platform"),
                400, "VALIDATION_FAILED", "scope"));

        return cases.stream().map(k -> dynamicTest(k.name(), () -> {
            var request = k.request().get();
            var before = TenantState.of(a);
            var otherBefore = TenantState.of(w.b);
            var eveBefore = eve(w);
            boolean createsTenants = k.name().startsWith("create tenant");
            int tenantsBefore = createsTenants ? a.platform.get("/api/v1/tenants").json().size() : 0;

            var refused = request.send(k.extra());

            String why = k.name() + " → " + refused.status() + " " + refused.text();
            assertThat(refused.status()).as(why).isEqualTo(k.status());
            assertThat(refused.header("Content-Type")).as(why).startsWith("application/problem+json");
            assertThat(refused.code()).as(why).isEqualTo(k.code());
            if (k.field() != null) {
                var fields = new TreeSet<String>();
                refused.json().path("fields").forEach(f -> fields.add(f.asString()));
                assertThat(fields).as(why).containsExactly(k.field());
            }
            TenantState.of(a).assertUnchangedSince(before, ledger, a.tenant, k.name());
            TenantState.of(w.b).assertUnchangedSince(otherBefore, ledger, w.b.tenant, k.name());
            assertThat(eve(w)).as("the other tenant's user after " + k.name()).isEqualTo(eveBefore);
            if (createsTenants) {
                assertThat(a.platform.get("/api/v1/tenants").json().size()).as("tenants after " + k.name()).isEqualTo(tenantsBefore);
            }

            var clean = request.send(Map.of());
            assertThat(clean.status()).as("the same request without the smuggled field: " + clean.text()).isBetween(200, 201);
        }));
    }

    /** What the other tenant's snapshot does not show of Eve: her balance and her open request. */
    private static List<String> eve(WellFormed.Tenants w) {
        var b = w.b;
        return List.of(
                b.platform.get(b.base + "/users/" + w.eve + "/balance").json().toString(),
                b.platform.get(b.base + "/consumption/" + w.eveRequest).json().toString());
    }

    @Test
    void changing_another_tenants_user_through_ones_own_tenant_is_not_found_and_changes_no_one() {
        var w = new WellFormed.Tenants(port);
        var otherBefore = TenantState.of(w.b);
        var eveBefore = eve(w);
        var before = TenantState.of(w.a);

        for (var client : List.of(w.a.admin(), w.a.platform)) {
            for (Map<String, Object> change : List.<Map<String, Object>>of(Map.of("name", "Hijacked"), Map.of("role", "Admin"),
                    Map.of("active", false), Map.of("name", "Hijacked", "role", "Viewer", "active", false))) {
                var response = client.patch(w.a.base + "/users/" + w.eve, change);
                assertThat(response.status()).as(change + ": " + response.text()).isEqualTo(404);
                assertThat(response.code()).isEqualTo("NOT_FOUND");
            }
        }
        // Her tenant's path with the wrong tenant's admin key: as if the tenant did not exist.
        var viaOtherPath = w.a.admin().patch(w.b.base + "/users/" + w.eve, Map.of("active", false));
        assertThat(viaOtherPath.status()).as(viaOtherPath.text()).isEqualTo(404);
        assertThat(viaOtherPath.code()).isEqualTo("NOT_FOUND");

        assertThat(eve(w)).isEqualTo(eveBefore);
        TenantState.of(w.b).assertUnchangedSince(otherBefore, ledger, w.b.tenant, "PATCHes of Eve through tenant A");
        TenantState.of(w.a).assertUnchangedSince(before, ledger, w.a.tenant, "PATCHes of Eve through tenant A");
    }

    @Test
    void another_tenants_user_and_request_are_unknown_to_every_credit_and_consumption_call() {
        var w = new WellFormed.Tenants(port);
        var otherBefore = TenantState.of(w.b);
        var eveBefore = eve(w);
        var before = TenantState.of(w.a);
        var admin = w.a.admin();
        var consumer = w.a.consumer();
        String eveCredits = w.a.base + "/credits/users/" + w.eve;

        List<Response> responses = List.of(
                admin.post(eveCredits + "/assign", Map.of("credits", 5), UUID.randomUUID().toString()),
                admin.post(eveCredits + "/add", Map.of("credits", 5), UUID.randomUUID().toString()),
                admin.post(eveCredits + "/remove", Map.of("credits", 5), UUID.randomUUID().toString()),
                admin.get(eveCredits + "/entries"),
                consumer.get(w.a.base + "/users/" + w.eve + "/balance"),
                consumer.post(w.a.base + "/consumption/" + w.eveRequest + "/settle", Map.of("cost", 7)),
                consumer.post(w.a.base + "/consumption/" + w.eveRequest + "/void", null),
                consumer.get(w.a.base + "/consumption/" + w.eveRequest));
        for (var response : responses) {
            assertThat(response.status()).as(response.text()).isEqualTo(404);
            assertThat(response.code()).as(response.text()).isEqualTo("NOT_FOUND");
        }
        // Filtering one's own ledger by her id shows nothing of hers.
        var filtered = admin.get(w.a.base + "/credits/entries?userId=" + w.eve);
        assertThat(filtered.status()).isEqualTo(200);
        assertThat(filtered.json().get("items").size()).as(filtered.text()).isZero();

        assertThat(eve(w)).isEqualTo(eveBefore);
        TenantState.of(w.b).assertUnchangedSince(otherBefore, ledger, w.b.tenant, "calls on Eve through tenant A");
        TenantState.of(w.a).assertUnchangedSince(before, ledger, w.a.tenant, "calls on Eve through tenant A");
        // Her request is still open and still hers to settle.
        var settled = w.b.consumer().post(w.b.base + "/consumption/" + w.eveRequest + "/settle", Map.of("cost", 7));
        assertThat(settled.status()).as(settled.text()).isEqualTo(200);
        assertThat(settled.json().get("remaining").decimalValue()).isEqualByComparingTo("43");
    }
}

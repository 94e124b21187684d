package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.aicredits.ApiClient;
import com.aicredits.ApiClient.Response;
import com.aicredits.TestApplication;
import com.aicredits.TestClock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The audit trail and API keys. Every call that changes something, and every refusal (401, 403, 404 of
 * another tenant, 402 and 429 of consumption), leaves one row in {@code audit_events} naming the actor and
 * the tenant, at the server's clock; successful reads do not, and successful consumption is audited by
 * its ledger entry. The keys themselves: {@link ApiKeysTest}.
 */
@TestApplication
class AuditTest {

    private static final String NO_TENANT = new UUID(0, 0).toString();

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    @Autowired TestClock clock;

    /** One call, the status it must get, and the audit row it must leave (or none, when {@code actor} is null). */
    private record Audited(String name, Supplier<Response> call, String method, String path, int status, String tenant,
            String actor) {
    }

    private long rows(String tenant, String actor, String method, String path, int status) {
        return jdbc.sql("""
                select count(*) from audit_events
                 where tenant_id = ?::uuid and actor = ? and method = ? and path = ? and status = ?""")
                .params(tenant, actor, method, path, status).query(Long.class).single();
    }

    private long rowsAnyActor(String method, String path, int status) {
        return jdbc.sql("select count(*) from audit_events where method = ? and path = ? and status = ?")
                .params(method, path, status).query(Long.class).single();
    }

    private List<String> rowsFor(String path) {
        return jdbc.sql("select tenant_id, actor, method, status from audit_events where path = ? order by id")
                .param(path).query((rs, n) -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getInt(4))
                .list();
    }

    private Instant lastAuditAt(String tenant, String method, String path) {
        return jdbc.sql("select at from audit_events where tenant_id = ?::uuid and method = ? and path = ? order by id desc limit 1")
                .params(tenant, method, path).query(OffsetDateTime.class).single().toInstant();
    }

    @TestFactory
    Stream<DynamicTest> every_change_and_every_refusal_is_audited_with_its_actor_and_tenant() {
        var a = new KeyedTenant(port);
        var b = new KeyedTenant(port);
        var t = a.t;
        String adminEmail = t.email("Ada Admin");
        t.user("Ada Admin", "Admin");
        t.user("Vic Viewer", "Viewer");
        var adminSession = t.session("Ada Admin");
        var viewerSession = t.session("Vic Viewer");
        t.purchase("1000");
        String funded = a.user("Planner");
        t.assign(funded, "100");
        String unfunded = a.user("Planner");
        String busy = a.user("Planner");
        t.assign(busy, "100");
        for (int i = 0; i < 4; i++) { // the tenant's limit of open holds
            assertThat(a.consumer.post(t.base + "/consumption/authorize",
                    Map.of("requestId", "busy-" + i + "-" + busy, "userId", busy, "feature", "canvas")).status()).isEqualTo(201);
        }
        String exhausted = a.user("Planner");
        t.assign(exhausted, "1");
        assertThat(a.consumer.post(t.base + "/consumption/charge",
                Map.of("requestId", "x-" + exhausted, "userId", exhausted, "feature", "canvas", "cost", 1)).status()).isEqualTo(201);
        var revoked = a.issue("admin", "audit-revoked-" + UUID.randomUUID());
        assertThat(t.platform.delete(t.base + "/api-keys/" + revoked.get("id").asString()).status()).isEqualTo(204);
        var revokedClient = ApiClient.bearer(port, revoked.get("key").asString());
        var badKey = ApiClient.bearer(port, "aic_" + t.tenant.replace("-", "") + "_not-the-secret");
        var anonymous = ApiClient.anonymous(port);

        String keyA = "key:" + a.adminKeyName;
        String consumeA = "key:" + a.consumeKeyName;
        String summary = t.base + "/credits/summary";
        String toRevoke = a.issue("consume", "audit-to-revoke").get("id").asString();
        String renamed = a.user("Viewer");
        String assignee = a.user("Viewer");
        String addTo = a.user("Viewer");
        t.assign(addTo, "10");
        String idem = UUID.randomUUID().toString();

        var cases = new ArrayList<Audited>();
        // ---- changes, whoever makes them, refused or not
        cases.add(new Audited("platform creates a tenant (no tenant yet: the nil tenant)",
                () -> t.platform.post("/api/v1/tenants", Map.of("name", "Audited " + UUID.randomUUID())),
                "POST", "/api/v1/tenants", 201, NO_TENANT, "platform"));
        cases.add(new Audited("platform records a purchase",
                () -> t.platform.post(t.base + "/purchases", Map.of("credits", 5, "reference", "PO-a"), idem),
                "POST", t.base + "/purchases", 201, t.tenant, "platform"));
        cases.add(new Audited("platform issues a key",
                () -> t.platform.post(t.base + "/api-keys", Map.of("scope", "consume", "name", "audited")),
                "POST", t.base + "/api-keys", 201, t.tenant, "platform"));
        cases.add(new Audited("platform revokes a key", () -> t.platform.delete(t.base + "/api-keys/" + toRevoke),
                "DELETE", t.base + "/api-keys/" + toRevoke, 204, t.tenant, "platform"));
        cases.add(new Audited("admin key registers a user",
                () -> a.admin.post(t.base + "/users", Map.of("name", "New", "email", UUID.randomUUID() + "@x.example", "role", "Viewer")),
                "POST", t.base + "/users", 201, t.tenant, keyA));
        cases.add(new Audited("admin session renames a user", () -> adminSession.patch(t.base + "/users/" + renamed, Map.of("name", "R")),
                "PATCH", t.base + "/users/" + renamed, 200, t.tenant, adminEmail));
        cases.add(new Audited("admin key assigns credits",
                () -> a.admin.post(t.base + "/credits/users/" + assignee + "/assign", Map.of("credits", 5), UUID.randomUUID().toString()),
                "POST", t.base + "/credits/users/" + assignee + "/assign", 200, t.tenant, keyA));
        cases.add(new Audited("admin session adds credits",
                () -> adminSession.post(t.base + "/credits/users/" + addTo + "/add", Map.of("credits", 5), UUID.randomUUID().toString()),
                "POST", t.base + "/credits/users/" + addTo + "/add", 200, t.tenant, adminEmail));
        cases.add(new Audited("admin key removes credits",
                () -> a.admin.post(t.base + "/credits/users/" + addTo + "/remove", Map.of("credits", 1), UUID.randomUUID().toString()),
                "POST", t.base + "/credits/users/" + addTo + "/remove", 200, t.tenant, keyA));
        cases.add(new Audited("a refused assignment (409) is a change attempt too",
                () -> a.admin.post(t.base + "/credits/users/" + funded + "/assign", Map.of("credits", 5), UUID.randomUUID().toString()),
                "POST", t.base + "/credits/users/" + funded + "/assign", 409, t.tenant, keyA));
        cases.add(new Audited("an invalid amount (400) is a change attempt too",
                () -> a.admin.post(t.base + "/credits/users/" + funded + "/add", Map.of("credits", -5), UUID.randomUUID().toString()),
                "POST", t.base + "/credits/users/" + funded + "/add", 400, t.tenant, keyA));
        // ---- 401: no, bad or revoked credentials; the tenant is the one in the path
        cases.add(new Audited("anonymous read", () -> anonymous.get(summary), "GET", summary, 401, t.tenant, "anonymous"));
        cases.add(new Audited("anonymous change", () -> anonymous.post(t.base + "/purchases", Map.of("credits", 5, "reference", "x")),
                "POST", t.base + "/purchases", 401, t.tenant, "anonymous"));
        cases.add(new Audited("a bad key", () -> badKey.get(summary), "GET", summary, 401, t.tenant, "anonymous"));
        cases.add(new Audited("a revoked key", () -> revokedClient.get(summary), "GET", summary, 401, t.tenant, "anonymous"));
        cases.add(new Audited("a bad key outside any tenant", () -> badKey.get("/api/v1/tenants"), "GET", "/api/v1/tenants", 401,
                NO_TENANT, "anonymous"));
        // ---- 403: the role or scope may not
        cases.add(new Audited("a consume key reads the admin summary", () -> a.consumer.get(summary), "GET", summary, 403,
                t.tenant, consumeA));
        cases.add(new Audited("a viewer assigns credits",
                () -> viewerSession.post(t.base + "/credits/users/" + assignee + "/add", Map.of("credits", 1), UUID.randomUUID().toString()),
                "POST", t.base + "/credits/users/" + assignee + "/add", 403, t.tenant, t.email("Vic Viewer")));
        cases.add(new Audited("an admin key lists tenants", () -> a.admin.get("/api/v1/tenants"), "GET", "/api/v1/tenants", 403,
                t.tenant, keyA));
        // ---- 404: another tenant's caller, recorded in the caller's own tenant
        cases.add(new Audited("another tenant's admin key reads the summary", () -> b.admin.get(summary), "GET", summary, 404,
                b.t.tenant, "key:" + b.adminKeyName));
        cases.add(new Audited("another tenant's admin key assigns",
                () -> b.admin.post(t.base + "/credits/users/" + assignee + "/add", Map.of("credits", 1), UUID.randomUUID().toString()),
                "POST", t.base + "/credits/users/" + assignee + "/add", 404, b.t.tenant, "key:" + b.adminKeyName));
        cases.add(new Audited("another tenant's consume key authorizes",
                () -> b.consumer.post(t.base + "/consumption/authorize", Map.of("requestId", "r", "userId", funded, "feature", "canvas")),
                "POST", t.base + "/consumption/authorize", 404, b.t.tenant, "key:" + b.consumeKeyName));
        String unknownBalance = t.base + "/users/" + UUID.randomUUID() + "/balance";
        cases.add(new Audited("an unknown user in one's own tenant", () -> a.consumer.get(unknownBalance),
                "GET", unknownBalance, 404, t.tenant, consumeA));
        // ---- refused consumption
        cases.add(new Audited("authorize without an allocation (402)",
                () -> a.consumer.post(t.base + "/consumption/authorize", Map.of("requestId", "n-" + UUID.randomUUID(), "userId", unfunded,
                        "feature", "canvas")),
                "POST", t.base + "/consumption/authorize", 402, t.tenant, consumeA));
        cases.add(new Audited("charge with credits exhausted (402)",
                () -> a.consumer.post(t.base + "/consumption/charge", Map.of("requestId", "e-" + UUID.randomUUID(), "userId", exhausted,
                        "feature", "canvas", "cost", 1)),
                "POST", t.base + "/consumption/charge", 402, t.tenant, consumeA));
        cases.add(new Audited("authorize past the limit of open holds (429)",
                () -> a.consumer.post(t.base + "/consumption/authorize", Map.of("requestId", "b-" + UUID.randomUUID(), "userId", busy,
                        "feature", "canvas")),
                "POST", t.base + "/consumption/authorize", 429, t.tenant, consumeA));
        // ---- not audited: successful reads, and successful consumption (its ledger entry is its audit)
        cases.add(new Audited("a successful read is not audited", () -> a.admin.get(summary), "GET", summary, 200, t.tenant, null));
        cases.add(new Audited("a successful charge is not audited (its ledger entry names the actor)",
                () -> a.consumer.post(t.base + "/consumption/charge", Map.of("requestId", "ok-" + UUID.randomUUID(), "userId", funded,
                        "feature", "canvas", "cost", 1)),
                "POST", t.base + "/consumption/charge", 201, t.tenant, null));

        return cases.stream().map(k -> dynamicTest(k.name(), () -> {
            long before = k.actor() == null ? rowsAnyActor(k.method(), k.path(), k.status())
                    : rows(k.tenant(), k.actor(), k.method(), k.path(), k.status());
            var response = k.call().get();
            assertThat(response.status()).as(k.name() + ": " + response.text()).isEqualTo(k.status());
            String path = k.path();
            if (k.actor() == null) {
                Thread.sleep(300); // a row written late would still show up
                assertThat(rowsAnyActor(k.method(), path, k.status())).as(k.name()).isEqualTo(before);
                return;
            }
            // The row is written before the response is sent, so it is there as soon as the answer is.
            assertThat(rows(k.tenant(), k.actor(), k.method(), path, k.status()))
                    .as("audit rows for %s (%s %s %d by %s in %s); rows for the path: %s", k.name(), k.method(), path, k.status(),
                            k.actor(), k.tenant(), rowsFor(path))
                    .isEqualTo(before + 1);
            // PostgreSQL keeps microseconds, rounding the clock's nanoseconds.
            assertThat(lastAuditAt(k.tenant(), k.method(), path)).isCloseTo(clock.instant(), within(1, ChronoUnit.MICROS));
        }));
    }

    @Test
    void a_successful_consumption_is_audited_by_its_ledger_entry_with_the_keys_actor() {
        var a = new KeyedTenant(port);
        a.t.purchase("100");
        String user = a.user("Planner");
        a.t.assign(user, "10");
        String request = "ledger-audit-" + UUID.randomUUID();
        assertThat(a.consumer.post(a.t.base + "/consumption/charge",
                Map.of("requestId", request, "userId", user, "feature", "canvas", "cost", 2)).status()).isEqualTo(201);
        var entry = a.admin.get(a.t.base + "/credits/entries?type=CHARGE").json().get("items").get(0);
        assertThat(entry.get("requestId").asString()).isEqualTo(request);
        assertThat(entry.get("actor").asString()).isEqualTo("key:" + a.consumeKeyName);
        assertThat(Instant.parse(entry.get("at").asString())).isEqualTo(clock.instant().truncatedTo(ChronoUnit.MICROS));
    }
}

package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import com.aicredits.TestClock;
import com.aicredits.access.Access;
import com.aicredits.access.Caller;
import com.aicredits.ledger.Ledger;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;

/**
 * API keys: calls made with one open no session, a revoked key stops working on its very next request, a used key
 * shows when it was last used, and with no platform key configured nothing authenticates as the platform.
 */
@TestApplication
class ApiKeysTest {

    @LocalServerPort int port;
    @Autowired TestClock clock;
    @Autowired ConfigurableApplicationContext context;
    @Autowired Ledger ledger;

    private static JsonNode keyListed(HttpFixture t, String id) {
        for (var key : t.platform.get(t.base + "/api-keys").json()) {
            if (key.get("id").asString().equals(id)) {
                return key;
            }
        }
        throw new AssertionError("key " + id + " is not listed");
    }

    @Test
    void calls_with_an_api_key_open_no_session() {
        var a = new KeyedTenant(port);
        a.t.purchase("100");
        String user = a.user("Planner");
        a.t.assign(user, "10");
        var calls = List.of(
                a.admin.get(a.t.base + "/credits/summary"),
                a.t.platform.get("/api/v1/tenants"),
                a.consumer.get(a.t.base + "/users/" + user + "/balance"),
                a.consumer.post(a.t.base + "/consumption/charge", Map.of("requestId", "r-" + UUID.randomUUID(),
                        "userId", user, "feature", "canvas", "cost", 1)));
        // A session per API call would be kept in memory for its whole timeout: a leak under load.
        assertThat(calls).allSatisfy(response -> {
            assertThat(response.status()).as(response.text()).isBetween(200, 201);
            assertThat(response.headers().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Set-Cookie"))
                    .flatMap(h -> h.getValue().stream())).noneMatch(cookie -> cookie.startsWith("JSESSIONID") || cookie.contains("SESSION="));
        });
    }

    @Test
    void a_revoked_key_is_refused_on_its_very_next_request_and_changes_nothing() {
        var a = new KeyedTenant(port);
        a.t.purchase("100");
        String user = a.user("Planner");
        for (String scope : List.of("admin", "consume")) {
            var issued = a.issue(scope, scope + "-to-revoke-" + UUID.randomUUID());
            var client = ApiClient.bearer(port, issued.get("key").asString());
            String read = scope.equals("admin") ? a.t.base + "/credits/summary" : a.t.base + "/users/" + user + "/balance";
            assertThat(client.get(read).status()).isEqualTo(200);

            var revoked = a.t.platform.delete(a.t.base + "/api-keys/" + issued.get("id").asString());
            assertThat(revoked.status()).isEqualTo(204);
            var before = TenantState.of(a.t);

            var refused = client.get(read);
            assertThat(refused.status()).as(refused.text()).isEqualTo(401);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer");
            var change = scope.equals("admin")
                    ? client.post(a.t.base + "/credits/users/" + user + "/assign", Map.of("credits", 5), UUID.randomUUID().toString())
                    : client.post(a.t.base + "/consumption/charge", Map.of("requestId", "r-" + UUID.randomUUID(), "userId", user,
                            "feature", "canvas", "cost", 1));
            assertThat(change.status()).as(change.text()).isEqualTo(401);
            TenantState.of(a.t).assertUnchangedSince(before, ledger, a.t.tenant, "calls with a revoked " + scope + " key");

            var listed = keyListed(a.t, issued.get("id").asString());
            assertThat(Instant.parse(listed.get("revokedAt").asString())).isEqualTo(clock.instant().truncatedTo(ChronoUnit.MICROS));
            // Revoking again is harmless and keeps the first revocation time.
            assertThat(a.t.platform.delete(a.t.base + "/api-keys/" + issued.get("id").asString()).status()).isEqualTo(204);
            assertThat(keyListed(a.t, issued.get("id").asString()).get("revokedAt")).isEqualTo(listed.get("revokedAt"));
        }
        // The other keys of the tenant still work.
        assertThat(a.admin.get(a.t.base + "/credits/summary").status()).isEqualTo(200);
    }

    @Test
    void a_key_shows_when_it_was_last_used() {
        var a = new KeyedTenant(port);
        var issued = a.issue("consume", "last-used-" + UUID.randomUUID());
        String id = issued.get("id").asString();
        var client = ApiClient.bearer(port, issued.get("key").asString());
        String balance = a.t.base + "/users/" + a.user("Planner") + "/balance";
        assertThat(keyListed(a.t, id).get("lastUsedAt").isNull()).as("a key never used").isTrue();

        assertThat(client.get(balance).status()).isEqualTo(200);
        Instant firstUse = clock.instant().truncatedTo(ChronoUnit.MICROS);
        assertThat(Instant.parse(keyListed(a.t, id).get("lastUsedAt").asString())).isEqualTo(firstUse);

        // Written at most once a minute (it is a hint, kept off the hot path) ...
        clock.advance(Duration.ofSeconds(30));
        assertThat(client.get(balance).status()).isEqualTo(200);
        assertThat(Instant.parse(keyListed(a.t, id).get("lastUsedAt").asString())).isEqualTo(firstUse);
        // ... and moved on by a later use; a call its scope refuses still is a use of the key.
        clock.advance(Duration.ofSeconds(31));
        assertThat(client.get(a.t.base + "/credits/summary").status()).isEqualTo(403);
        Instant laterUse = clock.instant().truncatedTo(ChronoUnit.MICROS);
        assertThat(Instant.parse(keyListed(a.t, id).get("lastUsedAt").asString())).isEqualTo(laterUse);

        // Once revoked, attempts with it are refused and are no use.
        assertThat(a.t.platform.delete(a.t.base + "/api-keys/" + id).status()).isEqualTo(204);
        clock.advance(Duration.ofMinutes(2));
        assertThat(client.get(balance).status()).isEqualTo(401);
        assertThat(Instant.parse(keyListed(a.t, id).get("lastUsedAt").asString())).isEqualTo(laterUse);
    }

    // ------------------------------------------------------------------ the platform key

    /**
     * With no platform key configured — the application's own configuration, without the
     * AICREDITS_PLATFORM_API_KEY variable — no token authenticates as the platform. Checked on the real
     * {@link Access}, built by Spring from application.yml alone (the test profile's key removed). That is
     * far cheaper than a second application context with its own database, and enough: a caller is the
     * platform only if {@code Access.authenticate} says so, and the platform endpoints admit no other
     * caller (the authorization matrix).
     */
    @Test
    void with_no_platform_key_configured_no_token_is_the_platform() throws Exception {
        assertThat(System.getenv("AICREDITS_PLATFORM_API_KEY")).as("this test reads the default configuration").isNull();
        Method authenticate = Access.class.getDeclaredMethod("authenticate", String.class);
        authenticate.setAccessible(true);
        var tokens = List.of("", " ", "null", "undefined", "Bearer", "test-platform-key", "platform", "changeme",
                "${AICREDITS_PLATFORM_API_KEY:}", "aic_00000000000000000000000000000000_x");

        // Control: the test context's Access, configured with a key, does know the platform.
        var configured = context.getBean(Access.class);
        assertThat((Optional<?>) authenticate.invoke(configured, "test-platform-key"))
                .hasValueSatisfying(caller -> assertThat(((Caller) caller).isPlatform()).isTrue());

        // The real key store, directory and clock, from this context's beans; but not its environment, and no
        // parent context (which would also receive the child's refresh and close events).
        try (var unconfigured = new AnnotationConfigApplicationContext(new DefaultListableBeanFactory(context.getBeanFactory()))) {
            var sources = unconfigured.getEnvironment().getPropertySources();
            sources.stream().map(PropertySource::getName).toList().forEach(sources::remove);
            new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml")).forEach(sources::addLast);
            assertThat(unconfigured.getEnvironment().getProperty("aicredits.platform-api-key")).isEmpty();
            unconfigured.registerBean("unconfiguredAccess", Access.class);
            unconfigured.refresh();
            var access = (Access) unconfigured.getBean("unconfiguredAccess");
            for (String token : tokens) {
                var caller = (Optional<?>) authenticate.invoke(access, token);
                assertThat(caller).as("token '%s' with no platform key configured", token).isEmpty();
            }
            // Control: it is wired to the real key store, so tenant keys still work, as themselves.
            var a = new KeyedTenant(port);
            var tenantKey = (Optional<?>) authenticate.invoke(access, a.issue("admin", "control-" + UUID.randomUUID()).get("key").asString());
            assertThat(tenantKey).hasValueSatisfying(caller -> assertThat(((Caller) caller).isPlatform()).isFalse());
        }
        // And over HTTP, the platform endpoints refuse every caller that is not the platform.
        for (String token : tokens.subList(1, tokens.size())) {
            if (token.equals("test-platform-key")) {
                continue; // configured in this context
            }
            var response = ApiClient.bearer(port, token).get("/api/v1/tenants");
            assertThat(response.status()).as("GET /tenants with '%s'", token).isEqualTo(401);
        }
        assertThat(ApiClient.anonymous(port).post("/api/v1/tenants", Map.of("name", "x")).status()).isEqualTo(401);
    }
}

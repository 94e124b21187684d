package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.ledger.Ledger;
import com.aicredits.shared.TenantId;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything a tenant's API shows about it, read as the platform: summary cards, the ledger, the per-user
 * table, the assignable users, the directory, purchases, API keys (without {@code lastUsedAt}, which
 * merely using a key moves), settings, allowances, webhook endpoints and credit requests. Two snapshots are equal exactly when no call in between changed the tenant.
 */
record TenantState(Map<String, String> views) {

    static TenantState of(HttpFixture t) {
        return of(t.platform, t.base);
    }

    static TenantState of(ApiClient platform, String base) {
        var views = new LinkedHashMap<String, String>();
        for (String view : new String[] {"/credits/summary", "/credits/entries?size=200", "/credits/users?size=200",
                "/credits/assignable-users", "/users", "/purchases", "/api-keys", "/settings", "/credits/allowances", "/webhooks",
                "/credit-requests?size=200", "/sso"}) {
            var response = platform.get(base + view);
            if (view.equals("/sso")) {
                // 404 while the tenant has no single sign-on: that is its state too.
                views.put(view, response.status() + " " + response.text());
                continue;
            }
            assertThat(response.status()).as("GET " + base + view + ": " + response.text()).isEqualTo(200);
            var json = response.json();
            if (view.equals("/api-keys")) {
                json.forEach(key -> ((ObjectNode) key).remove("lastUsedAt"));
            }
            views.put(view, json.toString());
        }
        return new TenantState(views);
    }

    /** Asserts this tenant still looks exactly like {@code before} and its balances reconcile with its entries. */
    void assertUnchangedSince(TenantState before, Ledger ledger, String tenantId, String why) {
        assertThat(views).as("tenant %s after %s", tenantId, why).isEqualTo(before.views());
        assertThat(ledger.reconcile(TenantId.of(tenantId)).drifts()).as("drifts after " + why).isEmpty();
    }
}

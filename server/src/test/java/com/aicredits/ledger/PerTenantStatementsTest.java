package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every statement of one tenant's request path names its tenant in every part: each table it reads or changes is
 * filtered by that tenant's id. On plain PostgreSQL that is what keeps a statement on the tenant's index; on Citus
 * it is what sends the statement, CTE by CTE, to the tenant's node alone (a part without the filter goes to every
 * shard). Checked on the plan PostgreSQL makes for each statement with real parameters: every scan of a table
 * that has a tenant column must carry a condition on that column equal to the tenant's id.
 */
@TestApplication
class PerTenantStatementsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> SCANS = Set.of("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan");

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired JdbcClient jdbc;
    @Autowired javax.sql.DataSource dataSource;

    @Test
    void the_end_of_a_lapsed_request_filters_every_table_by_the_tenant() {
        var fixture = new LedgerFixture(ledger, directory);
        UUID user = fixture.user("Ada").value();
        assertThat(unfiltered(RequestStore.LAPSE_ONE, fixture.tenant.value(), user)).isEmpty();
    }

    /**
     * Authorize, charge, settle and void, their group commit rounds (set-based and item by item), and the sweeper's
     * expiry, are functions (V30, V33, V38); what counts is each statement they run, so each is
     * called for real and auto_explain hands back the plan of every statement inside (custom plans, so that the
     * plans show the tenant's id where the function binds it).
     */
    @Test
    void admission_settle_void_and_expiry_filter_every_table_by_the_tenant() throws Exception {
        var fixture = new LedgerFixture(ledger, directory).purchased("100");
        UUID user = fixture.user("Ada").value();
        fixture.assigned(new com.aicredits.shared.UserId(user), "10");
        UUID tenant = fixture.tenant.value();
        String authorize = "select * from credits_authorize('%s', '%s', '%s', 'chat', 1000, 'test', now(), now() + interval '1 minute', now() + interval '1 hour')";
        var calls = new LinkedHashMap<String, String>();
        calls.put("charge", "select * from credits_charge('%s', '%s', 'charged', 'chat', 1000, 'test', now())".formatted(tenant, user));
        calls.put("authorize", authorize.formatted(tenant, user, "settled"));
        calls.put("settle", "select * from credits_finish('%s', 'settled', 500, 'test', now())".formatted(tenant));
        calls.put("authorize again", authorize.formatted(tenant, user, "voided"));
        calls.put("void", "select * from credits_finish('%s', 'voided', null, 'test', now())".formatted(tenant));
        // Group commit's rounds (V33): their own locking statements, then the functions above, item by item.
        calls.put("authorize round", ("select * from credits_authorize_round('%s', array['%s']::uuid[], array['round'], "
                + "array['chat'], array[1000]::bigint[], 'test', now(), now() + interval '1 minute', now() + interval '1 hour')")
                .formatted(tenant, user));
        calls.put("settle round", "select * from credits_settle_round('%s', array['round'], array[500]::bigint[], 'test', now())"
                .formatted(tenant));
        // The same rounds item by item, as on Citus (V38): the round's locks and request ids, then the functions above.
        calls.put("authorize items", ("select * from credits_authorize_items('%s', array['%s']::uuid[], array['items'], "
                + "array['chat'], array[1000]::bigint[], 'test', now(), now() + interval '1 minute', now() + interval '1 hour')")
                .formatted(tenant, user));
        calls.put("settle items", "select * from credits_settle_items('%s', array['items'], array[500]::bigint[], 'test', now())"
                .formatted(tenant));
        calls.put("charge items", ("select * from credits_charge_items('%s', array['charged items'], array['%s']::uuid[], "
                + "array['chat'], array[1000]::bigint[], array[0], 'test', now())").formatted(tenant, user));
        calls.put("authorize, due at once", authorize.replace("now() + interval '1 minute'", "now()").formatted(tenant, user, "expired"));
        calls.put("expire", "select * from credits_expire_one('%s', now() + interval '1 second')".formatted(tenant));
        // One transaction, its settings local to it: the connection goes back to the pool as it came (auto_explain
        // stays loaded in it, inert at its default settings).
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("load 'auto_explain'");
            statement.execute("set local auto_explain.log_min_duration = 0");
            statement.execute("set local auto_explain.log_nested_statements = on");
            statement.execute("set local auto_explain.log_format = json");
            statement.execute("set local auto_explain.log_level = notice");
            statement.execute("set local plan_cache_mode = force_custom_plan");
            for (var call : calls.entrySet()) {
                statement.clearWarnings();
                try (var rows = statement.executeQuery(call.getValue())) {
                    assertThat(rows.next()).as("%s did its work", call.getKey()).isTrue();
                }
                List<JsonNode> plans = new ArrayList<>();
                for (var warning = statement.getWarnings(); warning != null; warning = warning.getNextWarning()) {
                    String text = warning.getMessage();
                    if (text.contains("\"Plan\"")) {
                        plans.add(JSON.readTree(text.substring(text.indexOf('{'))).get("Plan"));
                    }
                }
                // the call itself, and inside it: the update, the request row, the entry (and the request's lock)
                assertThat(plans).as("plans of %s", call.getKey()).hasSizeGreaterThanOrEqualTo(4);
                List<String> found = new ArrayList<>();
                plans.forEach(plan -> walk(plan, tenant, found));
                assertThat(found).as("scans of %s without its tenant", call.getKey()).isEmpty();
            }
            connection.commit();
            connection.setAutoCommit(true);
        }
        fixture.assertReconciles();
    }

    @Test
    void a_round_of_batch_charges_filters_every_table_by_the_tenant() {
        var fixture = new LedgerFixture(ledger, directory);
        UUID user = fixture.user("Ada").value();
        for (String statement : List.of(ChargeBatchStore.LOCK_ACCOUNTS, ChargeBatchStore.LOCK_FREE_ACCOUNTS,
                ChargeBatchStore.CHARGE_ROUND)) {
            String plan = jdbc.sql("explain (format json) " + statement)
                    .param("tenant", fixture.tenant.value()).param("users", new String[] {user.toString()})
                    .param("requests", new String[] {"per-tenant-round"}).param("features", new String[] {"chat"})
                    .param("amounts", new long[] {1000}).param("positions", new int[] {0})
                    .param("now", Instant.now().atOffset(ZoneOffset.UTC)).param("actor", "test")
                    .query((rs, n) -> rs.getString(1)).single();
            List<String> found = new ArrayList<>();
            walk(JSON.readTree(plan).get(0).get("Plan"), fixture.tenant.value(), found);
            assertThat(found).as("scans without the tenant in%n%s", statement).isEmpty();
        }
    }

    @Test
    void a_tenants_reconciliation_filters_every_table_by_the_tenant() {
        var fixture = new LedgerFixture(ledger, directory);
        UUID user = fixture.user("Ada").value();
        for (String check : Reconciler.CHECKS) {
            assertThat(unfiltered(Reconciler.scoped(fixture.tenant, check), fixture.tenant.value(), user))
                    .as("scans without the tenant in%n%s", check).isEmpty();
        }
    }

    @Test
    void the_check_finds_a_part_that_forgets_its_tenant() {
        var fixture = new LedgerFixture(ledger, directory);
        UUID user = fixture.user("Ada").value();
        String forgetful = RequestStore.LAPSE_ONE.replace("where a.tenant_id = :tenant and", "where");
        assertThat(forgetful).isNotEqualTo(RequestStore.LAPSE_ONE);
        assertThat(unfiltered(forgetful, fixture.tenant.value(), user)).containsExactly("accounts");
    }

    /** The tables with a tenant column that the statement's plan scans without a condition naming the tenant. */
    private List<String> unfiltered(String sql, UUID tenant, UUID user) {
        Instant now = Instant.now();
        String plan = jdbc.sql("explain (format json) " + sql)
                .param("tenant", tenant).param("user", user).param("request", "per-tenant-" + UUID.randomUUID())
                .param("feature", "chat").param("amount", 1000L).param("cost", 1000L).param("actor", "test")
                .param("now", now.atOffset(ZoneOffset.UTC)).param("expires", now.plusSeconds(60).atOffset(ZoneOffset.UTC))
                .param("settleBy", now.plusSeconds(3600).atOffset(ZoneOffset.UTC))
                .query((rs, n) -> rs.getString(1)).single();
        List<String> found = new ArrayList<>();
        walk(JSON.readTree(plan).get(0).get("Plan"), tenant, found);
        return found;
    }

    private void walk(JsonNode node, UUID tenant, List<String> found) {
        if (SCANS.contains(node.path("Node Type").asString()) && node.has("Relation Name")) {
            String table = node.get("Relation Name").asString();
            String column = table.equals("tenants") ? "id" : "tenant_id";
            if (hasTenantColumn(table)) {
                String conditions = node.path("Index Cond").asString("") + " " + node.path("Filter").asString("") + " "
                        + node.path("Recheck Cond").asString("");
                if (!conditions.contains(column + " = '" + tenant + "'::uuid")) {
                    found.add(table);
                }
            }
        }
        for (JsonNode child : node.path("Plans")) {
            walk(child, tenant, found);
        }
    }

    private boolean hasTenantColumn(String table) {
        return table.equals("tenants") || jdbc.sql("""
                select exists (select 1 from pg_attribute where attrelid = cast(? as regclass) and attname = 'tenant_id'
                                                             and not attisdropped)""")
                .param(table).query(Boolean.class).single();
    }
}

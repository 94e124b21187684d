package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    @Test
    void admission_settle_void_and_the_sweep_filter_every_table_by_the_tenant() {
        var statements = Map.of("authorize", AdmissionStore.AUTHORIZE, "charge", AdmissionStore.CHARGE,
                "settle", RequestStore.SETTLE, "void", RequestStore.VOID, "expire", RequestStore.EXPIRE_ONE,
                "lapse", RequestStore.LAPSE_ONE);
        var fixture = new LedgerFixture(ledger, directory);
        UUID user = fixture.user("Ada").value();
        statements.forEach((name, sql) -> assertThat(unfiltered(sql, fixture.tenant.value(), user))
                .as("scans of %s without its tenant", name).isEmpty());
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
        String forgetful = AdmissionStore.CHARGE.replace("and p.tenant_id = :tenant", "");
        assertThat(forgetful).isNotEqualTo(AdmissionStore.CHARGE);
        assertThat(unfiltered(forgetful, fixture.tenant.value(), user)).containsExactly("pools");
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

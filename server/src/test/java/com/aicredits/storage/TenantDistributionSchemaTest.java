package com.aicredits.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The migrated schema against the Citus distribution plan ({@code db/citus/distribute.sql}): whatever a migration
 * adds, the plan must still be one Citus accepts and one that keeps a tenant's statements on one node. Citus
 * itself cannot run in the test suite (it is built from source by hand), so this checks, on the embedded
 * PostgreSQL, the rules Citus enforces when it distributes a table: a primary key, unique constraint or unique
 * index must include the distribution column; a foreign key between distributed tables must join them on it (and
 * they must be co-located); a reference table must not point at a distributed one.
 */
@TestApplication
class TenantDistributionSchemaTest {

    private static final Pattern DISTRIBUTED = Pattern.compile(
            "(?m)^select create_distributed_table\\('(\\w+)', '(\\w+)'(, colocate_with => '(\\w+)')?\\);");
    private static final Pattern REFERENCE = Pattern.compile("(?m)^select create_reference_table\\('(\\w+)'\\);");
    private static final Pattern COORDINATOR = Pattern.compile("(?m)^-- coordinator only: (\\w+) — \\S.*$");

    @Autowired JdbcClient jdbc;

    /** table → its distribution column */
    private final Map<String, String> distributed = new HashMap<>();
    private final Map<String, String> colocatedWith = new HashMap<>();
    private final Set<String> reference = new HashSet<>();
    private final Set<String> coordinator = new HashSet<>();

    @BeforeEach
    void readThePlan() throws IOException {
        String plan = new ClassPathResource("db/citus/distribute.sql").getContentAsString(StandardCharsets.UTF_8);
        for (Matcher m = DISTRIBUTED.matcher(plan); m.find(); ) {
            assertThat(distributed.put(m.group(1), m.group(2))).as("%s distributed twice", m.group(1)).isNull();
            colocatedWith.put(m.group(1), m.group(4));
        }
        for (Matcher m = REFERENCE.matcher(plan); m.find(); ) {
            reference.add(m.group(1));
        }
        for (Matcher m = COORDINATOR.matcher(plan); m.find(); ) {
            coordinator.add(m.group(1));
        }
        assertThat(distributed).containsEntry("tenants", "id").containsEntry("ledger_entries", "tenant_id");
    }

    @Test
    void every_table_is_placed_exactly_once_and_every_placed_table_exists() {
        List<String> tables = jdbc.sql("select tablename from pg_tables where schemaname = 'public' order by 1")
                .query(String.class).list();
        List<String> placed = new java.util.ArrayList<>();
        placed.addAll(distributed.keySet());
        placed.addAll(reference);
        placed.addAll(coordinator);
        assertThat(placed).as("tables placed by the plan (distributed, reference, coordinator only)")
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(tables);
    }

    @Test
    void every_distributed_table_has_its_tenant_column_not_null_and_is_colocated_with_tenants() {
        distributed.forEach((table, column) -> {
            var type = jdbc.sql("""
                    select format_type(a.atttypid, a.atttypmod) from pg_attribute a
                     where a.attrelid = cast(? as regclass) and a.attname = ? and a.attnotnull and not a.attisdropped
                    """).params(table, column).query(String.class).optional();
            assertThat(type).as("%s.%s, not null", table, column).contains("uuid");
            if (!table.equals("tenants")) {
                assertThat(colocatedWith.get(table)).as("%s co-located with tenants", table).isEqualTo("tenants");
            }
        });
    }

    @Test
    void every_primary_key_unique_constraint_and_unique_index_of_a_distributed_table_includes_its_tenant_column() {
        var violations = jdbc.sql("""
                select c.relname as table_name, i.relname as index_name,
                       array(select a.attname from unnest(x.indkey) k join pg_attribute a
                              on a.attrelid = x.indrelid and a.attnum = k) as columns
                  from pg_index x join pg_class c on c.oid = x.indrelid join pg_class i on i.oid = x.indexrelid
                  join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname = 'public' and x.indisunique
                """).query((rs, n) -> new Unique(rs.getString(1), rs.getString(2),
                        List.of((String[]) rs.getArray(3).getArray())))
                .list().stream()
                .filter(u -> distributed.containsKey(u.table()) && !u.columns().contains(distributed.get(u.table())))
                .toList();
        assertThat(violations).as("unique keys and indexes without the distribution column").isEmpty();
    }

    @Test
    void every_foreign_key_joins_co_located_tables_on_the_tenant_or_points_at_a_reference_table() {
        var violations = jdbc.sql("""
                select s.relname, t.relname, c.conname,
                       array(select a.attname from unnest(c.conkey) with ordinality k(num, i)
                               join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.num order by k.i),
                       array(select a.attname from unnest(c.confkey) with ordinality k(num, i)
                               join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.num order by k.i)
                  from pg_constraint c join pg_class s on s.oid = c.conrelid join pg_class t on t.oid = c.confrelid
                  join pg_namespace n on n.oid = s.relnamespace
                 where n.nspname = 'public' and c.contype = 'f'
                """).query((rs, n) -> new ForeignKey(rs.getString(1), rs.getString(2), rs.getString(3),
                        List.of((String[]) rs.getArray(4).getArray()), List.of((String[]) rs.getArray(5).getArray())))
                .list().stream().filter(fk -> !allowed(fk)).toList();
        assertThat(violations).as("foreign keys Citus would refuse, or that would cross tenants").isEmpty();
    }

    private boolean allowed(ForeignKey fk) {
        if (distributed.containsKey(fk.from())) {
            if (reference.contains(fk.to())) {
                return true;
            }
            if (!distributed.containsKey(fk.to())) {
                return false; // a distributed table cannot point at a table kept on the coordinator
            }
            int at = fk.columns().indexOf(distributed.get(fk.from()));
            return at >= 0 && fk.referenced().get(at).equals(distributed.get(fk.to()));
        }
        if (reference.contains(fk.from())) {
            return reference.contains(fk.to());
        }
        return coordinator.contains(fk.to()); // coordinator tables point only at each other
    }

    private record Unique(String table, String index, List<String> columns) {
    }

    private record ForeignKey(String from, String to, String name, List<String> columns, List<String> referenced) {
    }
}

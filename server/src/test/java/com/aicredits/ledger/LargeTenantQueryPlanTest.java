package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.ledger.RowQuery.SortBy;
import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The admin table on a tenant of 100,000 users, next to a few small tenants: checks which indexes
 * PostgreSQL uses (never how long it takes: timings belong to the benchmark, not the test suite).
 * The users are written straight in SQL for speed, together with the ledger entries that back their
 * balances, so the tenant still reconciles.
 */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeTenantQueryPlanTest {

    static final int USERS = 100_000;

    @Autowired Ledger ledger;
    @Autowired AccountTable table;
    @Autowired Directory directory;
    @Autowired JdbcClient jdbc;
    @Autowired UsageFolder folder;
    @Autowired TransactionTemplate transactions;

    TenantId big;

    @BeforeAll
    void seedOneHundredThousandUsers() {
        for (int i = 0; i < 3; i++) {
            var small = new LedgerFixture(ledger, directory);
            small.purchased("100").assigned(small.user("Small " + i), "10");
        }
        big = directory.createTenant("Big tenant").id();
        // Two statements of 100,000 rows each: the running totals' statement triggers (V32) count them once per
        // statement, and the reconciliation checks them. The users are analysed before their accounts go in: the
        // foreign key's check, planned for an empty users table, scanned it for every account (140 s).
        transactions.executeWithoutResult(status -> {
            jdbc.sql("""
                    insert into users (tenant_id, id, name, email, role, created_at)
                    select :tenant, gen_random_uuid(),
                           initcap(substr(md5(n::text), 1, 7)) || ' ' || initcap(substr(md5((n * 31)::text), 1, 9)),
                           'user' || n || '@big.example', (array['Admin', 'Planner', 'Viewer'])[1 + n % 3], now()
                      from generate_series(1, :users) n
                    """).param("tenant", big.value()).param("users", USERS).update();
            jdbc.sql("analyze users").update();
            jdbc.sql("""
                    insert into accounts (tenant_id, user_id, assigned, active, opened_at, updated_at, entry_count)
                    select tenant_id, id, (1 + abs(hashtext(id::text)) % 500) * 1000, true, now(), now(), 1
                      from users where tenant_id = :tenant
                    """).param("tenant", big.value()).update();
        });
        // Fresh statistics before the next statements: planned on stale ones (an empty accounts table),
        // PostgreSQL may pick a nested loop that rescans 100,000 rows per row.
        jdbc.sql("analyze users, accounts").update();
        jdbc.sql("""
                with total as (select sum(assigned) as credits from accounts where tenant_id = :tenant),
                pool as (update pools set purchased = total.credits, assigned = total.credits,
                                          entry_count = 1 + (select count(*) from accounts where tenant_id = :tenant)
                           from total where tenant_id = :tenant returning purchased)
                insert into ledger_entries (tenant_id, type, credits, purchased_delta, unassigned_before, unassigned_after, actor, reference, at, pool_seq)
                select :tenant, 'PURCHASE', purchased, purchased, 0, purchased, 'seed', 'PO-BIG', now(), 1 from pool
                """).param("tenant", big.value()).update();
        // One ASSIGN entry per user, in user order, each taking its credits from what the previous left.
        jdbc.sql("""
                insert into ledger_entries (tenant_id, user_id, type, credits, assigned_delta, remaining_before,
                    remaining_after, held_after, unassigned_before, unassigned_after, actor, at, user_seq, pool_seq)
                select tenant_id, user_id, 'ASSIGN', assigned, assigned, 0, assigned, 0,
                       total - running + assigned, total - running, 'seed', now(), 1, 1 + place
                  from (select tenant_id, user_id, assigned,
                               sum(assigned) over () as total,
                               sum(assigned) over (order by user_id rows unbounded preceding) as running,
                               row_number() over (order by user_id) as place
                          from accounts where tenant_id = :tenant) a
                 order by user_id
                """).param("tenant", big.value()).update();
        jdbc.sql("analyze").update();
    }

    @Test
    void the_large_tenant_is_seeded_consistently() {
        assertThat(ledger.summary(big).orElseThrow().usersWithCredits()).isEqualTo(USERS);
        assertThat(ledger.reconcile(big).drifts()).isEmpty();
    }

    @Test
    void searching_by_name_or_email_uses_the_trigram_index() {
        String plan = explain(new RowQuery("abc", null, null, SortBy.REMAINING, false, 0, 50));
        assertThat(plan).contains("Bitmap Index Scan on users_search");
        assertThat(ledger.rows(big, new RowQuery("user4242@", null, null, SortBy.NAME, false, 0, 50)).items())
                .extracting(AccountRow::email).contains("user4242@big.example");
    }

    @Test
    void the_first_page_by_name_walks_the_name_index_instead_of_sorting_every_user() {
        String plan = explain(new RowQuery(null, null, null, SortBy.NAME, false, 0, 50));
        assertThat(plan).contains("users_by_name").doesNotContain("Sort Method: external");
    }

    @Test
    void the_first_page_by_remaining_sorts_in_memory_with_a_bounded_top_n_sort() {
        // Balances are deliberately not indexed (see V1 migration); a top-N heapsort keeps 50 rows, not 100,000.
        String plan = explain(new RowQuery(null, null, null, SortBy.REMAINING, false, 0, 50));
        assertThat(plan).contains("top-N heapsort");
    }

    @Test
    void a_users_history_is_read_through_the_per_user_index() {
        var someone = jdbc.sql("select user_id from accounts where tenant_id = ? limit 1").param(big.value())
                .query(java.util.UUID.class).single();
        String plan = String.join("\n", jdbc.sql("""
                explain select * from ledger_entries where tenant_id = ? and user_id = ? order by user_seq desc limit 50
                """).params(big.value(), someone).query(String.class).list());
        assertThat(plan).contains("Index Scan Backward using ledger_entries_user_chain").doesNotContain("Sort");
    }

    /** The cards' deactivated people with open allocations come from the few inactive people, not a scan of all. */
    @Test
    void the_summary_reads_the_running_totals_and_only_the_inactive_people() {
        String plan = String.join("\n", jdbc.sql("explain " + LedgerQueries.SUMMARY)
                .params(big.value(), big.value(), big.value()).query(String.class).list());
        System.out.println("--- summary\n" + plan);
        assertThat(plan).contains("users_inactive").doesNotContain("Seq Scan on users").doesNotContain("Seq Scan on accounts");
    }

    /**
     * The seed above is a bulk load, as an import or a restore is: autovacuum's queue of summarization requests may
     * drop most of its page ranges, and an unsummarized range is read whole. After the fold and the summarization
     * the job does after a bulk, the usage statement finds the unfolded tail (here: nothing) through the tx index in
     * a few pages of the tenant's thousands, not by reading every entry (the statement once joined the watermark
     * and the planner chose a sequential scan; the benchmark's tenant took seconds).
     */
    @Test
    void the_unfolded_tail_is_read_through_the_tx_index_in_a_few_pages_after_a_bulk_load() {
        folder.foldAll(UsageFolder.BATCH_SIZE_DEFAULT);
        folder.summarizeTailIndex();
        assertThat(jdbc.sql("select time_zone from usage_zones where tenant_id = ?").param(big.value())
                .query(String.class).optional()).as("the tenant's roll-ups exist, so the tail is what is read").contains("UTC");
        var since = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(29);
        String plan = String.join("\n", jdbc.sql("explain (analyze, buffers) with "
                        + UsageSql.consumptionSince(false, "") + " select * from consumption")
                .param("tenant", big.value()).params(UsageSql.window(jdbc, java.time.ZoneId.of("UTC"), since))
                .query(String.class).list());
        System.out.println("--- usage of 30 days\n" + plan);
        long tablePages = jdbc.sql("select pg_relation_size('ledger_entries') / 8192").query(Long.class).single();
        var heapBlocks = java.util.regex.Pattern.compile("Heap Blocks: lossy=(\\d+)").matcher(plan);
        long tailPages = heapBlocks.find() ? Long.parseLong(heapBlocks.group(1)) : 0;
        assertThat(plan).contains("Bitmap Index Scan on ledger_entries_by_tx");
        // No parallel workers for what runs. The branch for a tenant whose roll-ups are in another zone reads the
        // ledger and may be planned in parallel, depending on the table's size when this runs, but it is never executed.
        assertThat(plan.lines().filter(line -> line.contains("Gather") && !line.contains("(never executed)")))
                .as("parallel plans that ran").isEmpty();
        assertThat(tailPages).as("pages read for the tail, of %d", tablePages).isLessThan(tablePages / 10);
    }

    /**
     * Once the folder keeps every user's runway (V28), the first page by runway and the forecast read the kept rows'
     * index as far as they need (300 users who spend, 99,700 who never run out) and look up those users' accounts
     * and names, instead of computing the runway of every user of the tenant (seconds on the benchmark's tenant).
     */
    @Test
    void the_first_page_by_runway_and_the_forecast_read_the_kept_runways_by_day() {
        jdbc.sql("select user_id from accounts where tenant_id = ? order by user_id limit 300").param(big.value())
                .query(java.util.UUID.class).list()
                .forEach(user -> assertThat(ledger.charge(big, new RequestId(user.toString()), new UserId(user), "canvas",
                        new Credits(1 + Math.floorMod(user.hashCode(), 9)), LedgerFixture.FEATURE))
                        .isInstanceOf(com.aicredits.shared.Outcome.Done.class));
        folder.foldAll(UsageFolder.BATCH_SIZE_DEFAULT);
        jdbc.sql("analyze user_runways").update();

        String plan = explain(new RowQuery(null, null, null, SortBy.RUNS_OUT_ON, false, 0, 50));
        assertThat(plan).contains("user_runways_by_day").doesNotContain("Seq Scan on accounts")
                .doesNotContain("Seq Scan on user_runways").doesNotContain("Seq Scan on users");
        var page = ledger.rows(big, new RowQuery(null, null, null, SortBy.RUNS_OUT_ON, false, 0, 50)).items();
        var runways = ledger.overTime().runways(big, page.stream().map(AccountRow::userId).toList());
        assertThat(page).hasSize(50).allSatisfy(row -> assertThat(runways.get(row.userId()).runsOutOn())
                .as("the soonest 50 are among the 300 who spend").isNotNull());
        var table = ledger.overTime().table(big, new RowQuery(null, null, null, SortBy.RUNS_OUT_ON, false, 0, 50));
        assertThat(table.rows().items()).isEqualTo(page);
        assertThat(table.runways()).as("the runways read with the page, as read on their own").isEqualTo(runways);
        assertThat(ledger.overTime().forecast(big, 100).users()).as("none of them runs out within 14 days").isEmpty();

        // Page 11 is past the 300: 99,700 tie on never, found by walking the names, not by sorting them all.
        var deep = new RowQuery(null, null, null, SortBy.RUNS_OUT_ON, false, 10, 50);
        assertThat(explain(deep)).contains("users_by_name").doesNotContain("Seq Scan on accounts")
                .doesNotContain("Seq Scan on users");
        var deepPage = ledger.rows(big, deep).items();
        assertThat(deepPage).extracting(AccountRow::userId).as("the 201st to 250th of those who never run out, by name")
                .isEqualTo(jdbc.sql("""
                        select u.id from users u join accounts a on a.tenant_id = u.tenant_id and a.user_id = u.id
                         where u.tenant_id = ? and a.consumed = 0 order by lower(u.name), u.id offset 200 limit 50
                        """).param(big.value()).query((rs, n) -> new UserId(rs.getObject(1, java.util.UUID.class))).list());
        var deepRunways = ledger.overTime().runways(big, deepPage.stream().map(AccountRow::userId).toList());
        assertThat(deepRunways.values()).allSatisfy(runway -> assertThat(runway.runsOutOn()).isNull());
        assertThat(ledger.overTime().table(big, deep).runways()).as("read with the walked page").isEqualTo(deepRunways);
    }

    private String explain(RowQuery query) {
        String plan = table.explainPage(big, query,
                () -> new UsageReports.RunwayWindow(java.time.ZoneId.of("UTC"), ledger.overTime().today(big)));
        System.out.println("--- " + query + "\n" + plan);
        return plan;
    }
}

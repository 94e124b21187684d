package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.shared.TenantId;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The usage job summarizes the tx index's folded page ranges after each fold ({@link UsageFolder#summarizeFoldedRanges}),
 * so that the readers' tail stays a read of the pages past the watermark's instead of every range autovacuum has not
 * summarized yet (a minute of charges). Checked on the plan, never on a timing.
 */
@TestApplication
class TailIndexSummaryTest {

    static final int ENTRIES = 6_000;

    @Autowired Directory directory;
    @Autowired JdbcClient jdbc;
    @Autowired UsageFolder folder;
    @Autowired TransactionTemplate transactions;

    @Test
    void after_a_fold_the_tail_is_read_from_the_watermarks_page_range_on_and_that_range_is_left_unsummarized() {
        var tenant = directory.createTenant("Busy tenant").id();
        purchases(tenant, ENTRIES);
        folder.foldAll(UsageFolder.BATCH_SIZE_DEFAULT);
        assertThat(jdbc.sql("""
                        select count(distinct (ctid::text::point)[0]::bigint / :pages) from ledger_entries
                         where tenant_id = :tenant""")
                .param("pages", UsageFolder.PAGES_PER_RANGE).param("tenant", tenant.value()).query(Long.class).single())
                .as("page ranges the entries fill").isGreaterThan(3);

        long watermark = folder.watermark().tx();
        folder.summarizeFoldedRanges(watermark);
        assertThat(folder.summarizeFoldedRanges(watermark)).as("a second call finds nothing left").isZero();

        long tableRanges = jdbc.sql("select pg_relation_size('ledger_entries') / 8192 / :pages")
                .param("pages", UsageFolder.PAGES_PER_RANGE).query(Long.class).single();
        long tailPages = tailPagesRead();
        assertThat(tailPages).as("pages read for an empty tail")
                .isLessThanOrEqualTo((tableRanges - watermarkRange() + 1) * UsageFolder.PAGES_PER_RANGE);
        assertThat(jdbc.sql("select brin_summarize_range('ledger_entries_by_tx'::regclass, :block)")
                        .param("block", watermarkRange() * UsageFolder.PAGES_PER_RANGE).query(Long.class).single())
                .as("the watermark's range was left to be filled without a summary to widen").isEqualTo(1);
    }

    /**
     * Where one transaction wrote most of the ledger (a bulk import; the benchmark's seed, 4.9 million entries), the
     * statistics say the column has one value. Finding the watermark's page must still expect a few entries, or it
     * scans the whole ledger after every fold: it did, 1.8 s a fold, while the watermark was read inside the statement.
     * The statistics are those the seed left, set in a transaction that is rolled back.
     */
    @Test
    void the_watermarks_page_is_looked_for_among_a_few_entries_even_when_one_transaction_wrote_most_of_the_ledger() {
        var tenant = directory.createTenant("Imported tenant").id();
        long watermark = folder.watermark().tx();
        long expected = transactions.execute(status -> {
            status.setRollbackOnly();
            purchases(tenant, ENTRIES); // so that the table has pages to scan whichever test ran first
            jdbc.sql("""
                    select pg_restore_relation_stats('schemaname', 'public', 'relname', 'ledger_entries',
                                                     'relpages', 150000, 'reltuples', 5000000::real)""")
                    .query(Boolean.class).single();
            jdbc.sql("""
                    select pg_restore_attribute_stats('schemaname', 'public', 'relname', 'ledger_entries', 'attname', 'tx',
                               'inherited', false, 'null_frac', 0::real, 'avg_width', 8, 'n_distinct', 1::real,
                               'most_common_vals', cast(:bulk as text), 'most_common_freqs', '{1}'::real[])""")
                    .param("bulk", "{" + (watermark - 1) + "}").query(Boolean.class).single();
            return jdbc.sql("explain (format json) " + UsageFolder.WATERMARK_RANGE)
                    .param("pages", UsageFolder.PAGES_PER_RANGE).param("tx", watermark)
                    .query(String.class).single().lines()
                    .filter(line -> line.contains("\"Plan Rows\""))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
                    .max().orElseThrow();
        });
        assertThat(expected).as("rows the plan expects at most, of 5 million").isLessThan(100);
    }

    /** Purchases of 1 credit each, the pool kept in step so that the tenant reconciles: a few page ranges of entries. */
    private void purchases(TenantId tenant, int n) {
        jdbc.sql("""
                with pool as (update pools set purchased = purchased + :n * 1000, entry_count = entry_count + :n
                               where tenant_id = :tenant returning 1)
                insert into ledger_entries (tenant_id, type, credits, purchased_delta, unassigned_before,
                    unassigned_after, actor, reference, at, pool_seq)
                select :tenant, 'PURCHASE', 1000, 1000, (i - 1) * 1000, i * 1000, 'test', 'PO-' || i, now(), i
                  from pool, generate_series(1, :n) i
                """).param("tenant", tenant.value()).param("n", n).update();
    }

    private long watermarkRange() {
        return jdbc.sql("""
                select max((ctid::text::point)[0])::bigint / :pages from ledger_entries
                 where tx = (select tx from usage_watermark)
                """).param("pages", UsageFolder.PAGES_PER_RANGE).query(Long.class).single();
    }

    /** The heap pages the readers' tail statement reads (UsageSql's shape: the watermark as a value and a sub-select). */
    private long tailPagesRead() {
        long watermark = jdbc.sql("select tx from usage_watermark").query(Long.class).single();
        // On the test's small table the planner would read it all; the benchmark's and production's are large.
        String plan = transactions.execute(status -> {
            jdbc.sql("set local enable_seqscan = off").update();
            return String.join("\n", jdbc.sql("""
                    explain (analyze, buffers) select count(*) from ledger_entries e
                     where e.tx > (select tx from usage_watermark) and e.tx > :watermark
                    """).param("watermark", watermark).query(String.class).list());
        });
        assertThat(plan).contains("Bitmap Index Scan on ledger_entries_by_tx");
        var lossy = Pattern.compile("Heap Blocks: lossy=(\\d+)").matcher(plan);
        return lossy.find() ? Long.parseLong(lossy.group(1)) : 0;
    }
}

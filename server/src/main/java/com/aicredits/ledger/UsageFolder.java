package com.aicredits.ledger;

import com.aicredits.shared.TenantId;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Folds consumption entries into the daily roll-ups (V18__usage_rollups.sql), a batch at a time: each batch reads the
 * entries of the next finished transactions after the watermark (a transaction id), adds them to the
 * roll-ups and moves the watermark, in one transaction that holds the watermark row's lock. So a crash loses at most
 * an uncommitted batch (folded again next time, never twice), and two folders (two instances, an overlapping run)
 * take turns instead of double counting. The charge path is untouched: it only stamps its transaction id on the entry.
 */
@Repository
class UsageFolder {

    static final int BATCH_SIZE_DEFAULT = 5_000;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final KeptRunways runways;
    private final PreparedTransactions prepared;
    private final Clock clock;

    UsageFolder(JdbcClient jdbc, TransactionTemplate transactions, KeptRunways runways, PreparedTransactions prepared,
            Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.runways = runways;
        this.prepared = prepared;
        this.clock = clock;
    }

    record Watermark(long tx, long entryId) {
    }

    /** The fold's horizon: transactions below {@code finished} have finished, once {@code prepared} are committed. */
    private record Horizon(long finished, List<String> prepared) {
    }

    /**
     * Folds batches until the finished tail is empty, then recomputes the kept runways of tenants whose day changed;
     * returns how many transactions were folded.
     */
    long foldAll(int batchSize) {
        rebuildChangedZones();
        long folded = 0;
        int batch;
        do {
            batch = foldBatch(batchSize);
            folded += batch;
        } while (batch == batchSize);
        runways.recomputeDue(Clocks.now(clock));
        return folded;
    }

    /**
     * One batch: the entries of the next {@code batchSize} finished transactions, whole, in its own transaction; returns
     * how many transactions it folded. Whole transactions, so the watermark is one transaction id: every entry of a
     * transaction at or below it is folded, none above (a bulk load of millions of entries in one transaction is
     * folded in one go, not re-sorted batch after batch).
     */
    int foldBatch(int batchSize) {
        Integer folded = transactions.execute(status -> {
            var mark = lockWatermark();
            // Below this every transaction has finished (a running one has an id at or above a snapshot's xmin), so
            // its entries are all visible to the next statement or never will be, once the two-phase commits pending
            // at that moment are through (on Citus, V37). Read on its own: inside a statement over ledger_entries,
            // Citus would evaluate it on each worker, against the worker's own transaction ids.
            var horizon = jdbc.sql("select pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
                            + "array(select prepared_transactions())")
                    .query((rs, n) -> new Horizon(rs.getLong(1), List.of((String[]) rs.getArray(2).getArray())))
                    .single();
            if (!prepared.awaitFinished(horizon.prepared())) {
                return 0;
            }
            long finished = horizon.finished();
            int batch = jdbc.sql("""
                    with txs as (
                        -- the next transactions to fold, whole: those that have finished, the oldest first
                        select distinct e.tx from ledger_entries e
                         where e.tx > :tx and e.tx < :finished
                         order by e.tx
                         limit :batch
                    ), batch as (
                        select e.tenant_id, e.id, e.tx, e.user_id, e.feature, e.consumed_delta, e.at
                          from ledger_entries e
                         where e.tx > :tx and e.tx <= (select max(tx) from txs)
                    ), new_zones as (
                        insert into usage_zones (tenant_id, time_zone)
                        select distinct b.tenant_id, coalesce(s.time_zone, 'UTC')
                          from batch b left join tenant_settings s on s.tenant_id = b.tenant_id
                        on conflict (tenant_id) do nothing
                        returning tenant_id, time_zone
                    ), consumed as (
                        select b.tenant_id, (b.at at time zone coalesce(z.time_zone, n.time_zone))::date as day,
                               b.user_id, coalesce(b.feature, '') as feature,
                               sum(b.consumed_delta)::bigint as consumed, count(*) as requests
                          from batch b
                          left join usage_zones z on z.tenant_id = b.tenant_id
                          left join new_zones n on n.tenant_id = b.tenant_id
                         where b.consumed_delta <> 0
                         group by 1, 2, 3, 4
                    ), per_user as (
                        insert into usage_daily (tenant_id, day, user_id, feature, consumed, requests)
                        select tenant_id, day, user_id, feature, consumed, requests from consumed
                        on conflict (tenant_id, day, user_id, feature) do update
                           set consumed = usage_daily.consumed + excluded.consumed,
                               requests = usage_daily.requests + excluded.requests
                        returning 1
                    ), per_feature as (
                        insert into usage_daily_features (tenant_id, day, feature, consumed, requests)
                        select tenant_id, day, feature, sum(consumed), sum(requests) from consumed group by 1, 2, 3
                        on conflict (tenant_id, day, feature) do update
                           set consumed = usage_daily_features.consumed + excluded.consumed,
                               requests = usage_daily_features.requests + excluded.requests
                        returning 1
                    ), moved as (
                        update usage_watermark w set tx = last.tx, entry_id = last.id, folded_at = now()
                          from (select max(tx) as tx, max(id) as id from batch) last
                         where last.tx is not null
                        returning 1
                    )
                    -- data-modifying CTEs run to completion whether or not the final SELECT reads them
                    select count(distinct tx)::int from batch
                    """)
                    .param("tx", mark.tx()).param("finished", finished).param("batch", batchSize)
                    .query(Integer.class).single();
            if (batch > 0) {
                runways.keepTouched(mark.tx(), watermark().tx());
            }
            return batch;
        });
        return folded == null ? 0 : folded;
    }

    /**
     * A tenant that changed its time zone gets its roll-ups recomputed in the new one, in one transaction that holds
     * the watermark (so no batch folds into the old days meanwhile). Readers count from the ledger until it commits.
     */
    void rebuildChangedZones() {
        List<UUID> changed = jdbc.sql("""
                select z.tenant_id from usage_zones z left join tenant_settings s on s.tenant_id = z.tenant_id
                 where z.time_zone <> coalesce(s.time_zone, 'UTC')
                """).query(UUID.class).list();
        changed.forEach(tenant -> rebuild(new TenantId(tenant)));
    }

    /** Recomputes one tenant's roll-ups from its entries up to the watermark, in its zone as set now. */
    void rebuild(TenantId tenant) {
        transactions.executeWithoutResult(status -> {
            var mark = lockWatermark();
            jdbc.sql("delete from usage_daily where tenant_id = ?").param(tenant.value()).update();
            jdbc.sql("delete from usage_daily_features where tenant_id = ?").param(tenant.value()).update();
            jdbc.sql("""
                    insert into usage_zones (tenant_id, time_zone)
                    select :tenant, coalesce((select time_zone from tenant_settings where tenant_id = :tenant), 'UTC')
                    on conflict (tenant_id) do update set time_zone = excluded.time_zone, runways_on = null
                    """).param("tenant", tenant.value()).update();
            jdbc.sql("""
                    insert into usage_daily (tenant_id, day, user_id, feature, consumed, requests)
                    select e.tenant_id, (e.at at time zone z.time_zone)::date, e.user_id, coalesce(e.feature, ''),
                           sum(e.consumed_delta), count(*)
                      from ledger_entries e join usage_zones z on z.tenant_id = e.tenant_id
                     where e.tenant_id = :tenant and e.consumed_delta <> 0 and e.tx <= :tx
                     group by 1, 2, 3, 4
                    """).param("tenant", tenant.value()).param("tx", mark.tx()).update();
            jdbc.sql("""
                    insert into usage_daily_features (tenant_id, day, feature, consumed, requests)
                    select tenant_id, day, feature, sum(consumed), sum(requests) from usage_daily
                     where tenant_id = :tenant group by 1, 2, 3
                    """).param("tenant", tenant.value()).update();
        });
    }

    /**
     * Summarizes the page ranges of the BRIN index on {@code tx} that have no summary; returns how many. Readers find
     * the unfolded tail through that index, and an unsummarized range is read whole: autosummarize queues one request
     * per filled range, and a bulk load fills ranges faster than autovacuum's small queue takes them (after the
     * benchmark's seed, 3,210 of 4,080 ranges had none, and the tail read 3 million entries to find none). Called
     * after folding a bulk; the range being filled gets a summary too, which later inserts widen until it is full.
     */
    long summarizeTailIndex() {
        return jdbc.sql("select brin_summarize_new_values('ledger_entries_by_tx'::regclass)").query(Long.class).single();
    }

    /** Page ranges of the BRIN index on {@code tx} (V18: pages_per_range = 32). */
    static final int PAGES_PER_RANGE = 32;
    /** How far back {@link #summarizeFoldedRanges} looks: a minute of charges at full speed is about 40 ranges. */
    static final int RECENT_RANGES = 64;

    /**
     * Summarizes the recent page ranges of the BRIN index on {@code tx} that have no summary yet and lie before the
     * range holding the newest folded entry (of transaction {@code watermarkTx}, the watermark as it stands); returns
     * how many. Autosummarize leaves a filled range to autovacuum's next visit (a minute by default), and until then
     * every reader of the tail reads it whole: under a steady charge load the tail's read grew by about 20 pages a
     * second, to 800 pages (70 ms) 40 seconds into a run. Run after each fold, it keeps the tail's read to the pages
     * past the watermark's. Ranges still being filled are left alone: a summarized range is widened by every insert
     * that lands in it, each taking the index page's lock, which the charge path would queue on (the relation's end
     * is no guide: it grows ahead of the inserts, by up to hundreds of empty pages at once under concurrent inserts).
     * <p>The transaction is a value, not the watermark read inside the statement: the planner then estimates its
     * entries from the column's statistics for that value. Read inside, it planned for the average transaction, and
     * where one transaction wrote most of the ledger (a bulk import, the benchmark's seed: 4.9 million entries) that
     * average was millions of rows: every fold scanned the whole ledger (1.8 s, two parallel workers) to find a page.
     */
    long summarizeFoldedRanges(long watermarkTx) {
        return jdbc.sql("""
                with folded as (%s)
                select coalesce(sum(brin_summarize_range('ledger_entries_by_tx'::regclass, r * :pages)), 0)
                  from folded, generate_series(greatest(0, folded.range - :recent), folded.range - 1) r
                """.formatted(WATERMARK_RANGE)).param("tx", watermarkTx).param("pages", PAGES_PER_RANGE)
                .param("recent", RECENT_RANGES).query(Long.class).single();
    }

    /** The page range holding the newest entry of transaction {@code :tx} ({@code :pages} pages a range). */
    static final String WATERMARK_RANGE = """
            select max((ctid::text::point)[0])::bigint / :pages as range from ledger_entries where tx = :tx""";

    Watermark watermark() {
        return jdbc.sql("select tx, entry_id from usage_watermark")
                .query((rs, n) -> new Watermark(rs.getLong(1), rs.getLong(2))).single();
    }

    private Watermark lockWatermark() {
        return jdbc.sql("select tx, entry_id from usage_watermark for update")
                .query((rs, n) -> new Watermark(rs.getLong(1), rs.getLong(2))).single();
    }
}

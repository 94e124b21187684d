package com.aicredits.ledger;

import com.aicredits.shared.RecurringJobs;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Runs the {@link UsageFolder} every second, a recurring job ({@link RecurringJobs}: one instance runs each execution).
 * Only for freshness and read speed: readers add the not-yet-folded tail themselves, so a late or missed run changes
 * no answer, and a run overlapping another (taken over after a lost heartbeat) waits for the watermark's lock.
 * <p>Why every second: each reader of runways recomputes every user in the tail (two index lookups each), so the
 * forecast and the runway page cost grows with the seconds of charges behind the watermark. On the benchmark's
 * 100,000-user tenant under charge load, runs every second instead of every 5 s halved the at-risk statement
 * (11 ms instead of 21-26) and served about a third more forecasts and runway pages, with no measurable cost to
 * the charge (BENCHMARKS.md, "Issue 14, session 17"): the fold's work is per user touched, about the same per second
 * however it is split.
 */
@Component
class UsageJob {

    private static final Logger log = LoggerFactory.getLogger(UsageJob.class);
    static final String TASK = "usage-rollups";
    /** Entries folded in one run from which it was a bulk load, not charges (about a minute of them at full speed). */
    static final long BULK_ENTRIES = 100_000;

    private final UsageFolder folder;
    private final int batchSize;

    UsageJob(UsageFolder folder, RecurringJobs jobs,
            @Value("${aicredits.usage.job.enabled:true}") boolean enabled,
            @Value("${aicredits.usage.job.interval:1s}") Duration interval,
            @Value("${aicredits.usage.job.batch-size:" + UsageFolder.BATCH_SIZE_DEFAULT + "}") int batchSize) {
        this.folder = folder;
        this.batchSize = batchSize;
        if (enabled) {
            jobs.add(TASK, interval, this::run);
        }
    }

    void run() {
        try {
            long before = folder.watermark().entryId();
            long folded = folder.foldAll(batchSize);
            if (folded > 0) {
                log.debug("usage roll-ups: folded {} transactions", folded);
                // Nothing folded, nothing new before the watermark to summarize: an idle run costs no more statements.
                var after = folder.watermark();
                summarizeTail(after.entryId() - before >= BULK_ENTRIES, after.tx());
            }
        } catch (DataAccessException e) {
            log.warn("usage roll-ups stopped, the next run goes on: {}", e.getMessage());
        }
    }

    /** Set after the first failure to summarize, so that a database user without the right warns once, not every run. */
    private volatile boolean summarizeWarned;

    /**
     * Keeps the tail a read of a few pages: every run summarizes the index ranges folded since the last one, and after
     * a bulk load (an import, a restore, the benchmark's seed) every range.
     */
    private void summarizeTail(boolean afterBulk, long watermarkTx) {
        try {
            long ranges = afterBulk ? folder.summarizeTailIndex() : folder.summarizeFoldedRanges(watermarkTx);
            if (afterBulk && ranges > 0) {
                log.info("usage roll-ups: summarized {} page ranges of the ledger's tx index after a bulk load", ranges);
            }
        } catch (DataAccessException e) {
            // Only the table's owner may summarize; the reads stay correct, only slower until autovacuum does it.
            if (!summarizeWarned) {
                summarizeWarned = true;
                log.warn("usage roll-ups: could not summarize the ledger's tx index ({}); usage reads stay correct but "
                        + "slower: run the service as the owner of ledger_entries", e.getMessage());
            } else {
                log.debug("usage roll-ups: could not summarize the ledger's tx index: {}", e.getMessage());
            }
        }
    }
}

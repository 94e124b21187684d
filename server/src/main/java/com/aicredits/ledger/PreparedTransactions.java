package com.aicredits.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Waits out the two-phase commits that were pending when the usage fold read its horizon
 * (V37__prepared_transactions.sql): on Citus, their entries become visible on the workers only after the coordinator
 * has finished their transaction, so the fold must not read past the horizon before they are committed there.
 * Only the names listed at the horizon are waited for, never ones prepared later: a steady flow of two-phase commits
 * (a batch endpoint under load) delays a fold by one commit's length, it does not starve it.
 */
@Repository
class PreparedTransactions {

    private static final Logger log = LoggerFactory.getLogger(PreparedTransactions.class);
    /** Longer than a two-phase commit between live nodes takes; past it the fold gives up this run and tries the next. */
    static final Duration WAIT = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 10;

    private final JdbcClient jdbc;
    private final Counter deferred;

    PreparedTransactions(JdbcClient jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.deferred = Counter.builder("aicredits.usage.fold.deferred")
                .description("Usage folds put off because a two-phase commit stayed pending; the roll-ups wait, answers do not")
                .register(registry);
    }

    /** The pending two-phase commits, one name per node and transaction. */
    Set<String> pending() {
        return new HashSet<>(jdbc.sql("select prepared_transactions()").query(String.class).list());
    }

    /** Waits until none of {@code listed} is pending any more; false when some still are after {@link #WAIT}. */
    boolean awaitFinished(List<String> listed) {
        var waiting = new HashSet<>(listed);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!waiting.isEmpty()) {
            if (System.nanoTime() > deadline) {
                log.warn("usage roll-ups: {} two-phase commits pending for over {} s ({}); folding on the next run",
                        waiting.size(), WAIT.toSeconds(), waiting);
                deferred.increment();
                return false;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            waiting.retainAll(pending());
        }
        return true;
    }
}

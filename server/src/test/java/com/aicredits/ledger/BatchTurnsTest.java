package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aicredits.TestApplication;
import com.aicredits.api.Busy;
import com.aicredits.directory.Directory;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.UserId;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Batch calls take turns ({@code aicredits.ledger.batch.in-flight}, {@link ChargeBatches}): one that finds every
 * turn taken waits, and one that waits longer than {@code max-wait} is refused as busy (503) having applied
 * nothing; once a turn is free, the same batch applies.
 */
@TestApplication
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class BatchTurnsTest {

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired ChargeBatchStore store;
    @Autowired RequestStore requests;
    @Autowired Consumption consumption;
    @Autowired TransactionTemplate transactions;
    @Autowired ApplicationEventPublisher events;
    @Autowired Clock clock;
    @Autowired DataSource dataSource;

    @Test
    void a_batch_that_finds_no_turn_within_the_wait_is_refused_as_busy_and_applies_nothing() throws Exception {
        var batches = new ChargeBatches(store, requests, consumption, transactions, events, clock,
                new BatchSettings(1, Duration.ofMillis(300)));
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var held = t.user("Held Turn");
        var other = t.user("Other Turn");
        t.assigned(held, "10");
        t.assigned(other, "10");

        CompletableFuture<Outcome<List<Outcome<Settled>>>> first;
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (var statement = lock.prepareStatement("select 1 from accounts where tenant_id = ? and user_id = ? for update")) {
                statement.setObject(1, t.tenant.value());
                statement.setObject(2, held.value());
                statement.executeQuery().close();
            }
            // The only turn: a batch waiting for the account this test holds.
            first = CompletableFuture.supplyAsync(() -> batches.charge(t.tenant, List.of(item("turn-held", held)), LedgerFixture.FEATURE));
            HeldLocks.awaitWaiterOn(lock);

            long started = System.nanoTime();
            assertThatThrownBy(() -> batches.charge(t.tenant, List.of(item("turn-other", other)), LedgerFixture.FEATURE))
                    .isInstanceOf(Busy.class).hasMessageContaining("retry with the same requestIds");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("waited for a turn").isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(requests.request(t.tenant, new RequestId("turn-other"))).as("the refused batch's item").isEmpty();
            assertThat(first).as("the batch holding the turn, still waiting for the account").isNotDone();
            lock.commit();
        }
        assertThat(first.get(30, TimeUnit.SECONDS).orElseThrow().getFirst()).isInstanceOf(Outcome.Done.class);

        var again = batches.charge(t.tenant, List.of(item("turn-other", other)), LedgerFixture.FEATURE).orElseThrow();
        assertThat(again.getFirst()).as("the same batch, once the turn is free").isInstanceOf(Outcome.Done.class);
        assertThat(t.balance(other).remaining()).isEqualTo(Credits.of(9));
        t.assertReconciles();
    }

    private static ChargeItem item(String request, UserId user) {
        return new ChargeItem(new RequestId(request), user, "canvas", Credits.of(1));
    }
}

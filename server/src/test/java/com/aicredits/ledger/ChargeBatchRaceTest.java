package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.Together;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Batch charges racing other transactions on the real PostgreSQL: a race lost in a batch's second transaction runs
 * only that transaction again, and batches racing single charges on the same users admit exactly what the balance
 * rule allows, each request id charged once.
 */
@TestApplication
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChargeBatchRaceTest extends ChargeBatchContext {

    @Autowired Consumption consumption;
    @Autowired org.springframework.transaction.support.TransactionTemplate transactions;

    /**
     * The batch's first transaction applies the free user's item and commits; the second waits for the other
     * user's account, then loses a race on the request id to a charge of another user that committed meanwhile (a
     * duplicate key, which rolls that transaction back). Only the second transaction is run again: the first item
     * answers as the first call it is (not as a replay of itself), the raced one as reused, each charged once.
     */
    @Test
    void a_race_in_the_second_transaction_runs_only_that_transaction_again() throws Exception {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var ada = t.user("Ada Free");
        var bob = t.user("Bob Held");
        var cy = t.user("Cy Other");
        t.assigned(ada, "10");
        t.assigned(bob, "10");
        t.assigned(cy, "10");
        var bobHeld = new java.util.concurrent.CountDownLatch(1);
        var releaseBob = new java.util.concurrent.CountDownLatch(1);
        var cyCharged = new java.util.concurrent.CountDownLatch(1);
        var releaseCy = new java.util.concurrent.CountDownLatch(1);
        var others = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            others.submit(() -> transactions.executeWithoutResult(status -> {
                jdbc.sql("select 1 from accounts where tenant_id = ? and user_id = ? for update")
                        .params(t.tenant.value(), bob.value()).query(Integer.class).single();
                bobHeld.countDown();
                await(releaseBob);
            }));
            var cyBackend = new java.util.concurrent.atomic.AtomicInteger();
            var single = others.submit(() -> transactions.execute(status -> {
                cyBackend.set(jdbc.sql("select pg_backend_pid()").query(Integer.class).single());
                var outcome = consumption.charge(t.tenant, new RequestId("raced"), cy, "canvas", Credits.of(2),
                        LedgerFixture.FEATURE);
                cyCharged.countDown();
                await(releaseCy);
                return outcome;
            }));
            await(bobHeld);
            await(cyCharged);
            var batch = java.util.concurrent.CompletableFuture.supplyAsync(() -> done(ledger.charge(t.tenant,
                    List.of(item("free", ada, "3"), item("raced", bob, "2")), LedgerFixture.FEATURE)));
            waitForABackendBlockedIn("order by user_id for update");
            assertThat(count(t, "select count(*) from consumption_requests where tenant_id = :tenant and request_id = 'free'"))
                    .as("the first transaction committed").isOne();
            releaseBob.countDown();
            waitForABackendBlockedBy(cyBackend.get());
            releaseCy.countDown();
            assertThat(single.get(30, TimeUnit.SECONDS))
                    .isEqualTo(Outcome.done(new Settled(new RequestId("raced"), Credits.of(2), Credits.of(8), false)));
            var results = batch.get(30, TimeUnit.SECONDS);
            assertThat(results.get(0)).isEqualTo(Outcome.done(new Settled(new RequestId("free"), Credits.of(3), Credits.of(7), false)));
            assertThat(((Refused<?>) results.get(1)).reason()).isEqualTo(Refusal.REQUEST_ID_REUSED);
        } finally {
            releaseBob.countDown();
            releaseCy.countDown();
            others.shutdownNow();
        }
        assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(7));
        assertThat(t.balance(bob).remaining()).isEqualTo(Credits.of(10));
        assertThat(t.balance(cy).remaining()).isEqualTo(Credits.of(8));
        t.assertReconciles();
    }

    /**
     * Waits until some statement waits for a lock held by this backend's transaction. (Not found by the waiting
     * statement's text: pg_stat_activity keeps only its first kilobyte.)
     */
    private void waitForABackendBlockedBy(int backend) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (jdbc.sql("select count(*) from pg_stat_activity where ? = any(pg_blocking_pids(pid))")
                .param(backend).query(Long.class).single() == 0) {
            assertThat(System.nanoTime()).as("a statement waits for backend %s's transaction", backend).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private void waitForABackendBlockedIn(String statement) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (jdbc.sql("select count(*) from pg_stat_activity where wait_event_type = 'Lock' and strpos(query, ?) > 0")
                .param(statement).query(Long.class).single() == 0) {
            assertThat(System.nanoTime()).as("a statement containing \"%s\" waits for a lock", statement).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void batches_racing_single_charges_on_the_same_users_admit_exactly_what_the_rule_allows() throws Exception {
        var t = new LedgerFixture(ledger, directory).purchased("10000");
        List<UserId> users = IntStream.range(0, 8).mapToObj(i -> t.user("Racer " + i)).toList();
        users.forEach(u -> t.assigned(u, "40"));
        // 8 batch callers, each 8 items of 1 credit per user in shuffled user order, and 16 single chargers on
        // every user, with request ids overlapping between them: 40 admitted per user, each id charged once.
        var outcomes = Together.run(24, n -> {
            var out = new ArrayList<Outcome<Settled>>();
            if (n < 8) {
                for (int round = 0; round < 2; round++) {
                    var items = new ArrayList<ChargeItem>();
                    for (int k = 0; k < 8; k++) {
                        for (int u = 0; u < users.size(); u++) {
                            var user = users.get((u * 3 + n + k) % users.size());
                            items.add(item("b" + n + "-" + round + "-" + k + "-" + user.value(), user, "1"));
                        }
                        // every batch also repeats one id a single charger uses
                        items.add(item("shared-" + k + "-" + users.get(k).value(), users.get(k), "1"));
                    }
                    out.addAll(done(ledger.charge(t.tenant, items, LedgerFixture.FEATURE)));
                }
            } else {
                for (int j = 0; j < 8; j++) {
                    var user = users.get((n + j) % users.size());
                    var request = j < 2 ? "shared-" + users.indexOf(user) + "-" + user.value() : "s" + n + "-" + j;
                    out.add(ledger.charge(t.tenant, new RequestId(request), user, "canvas", Credits.of(1), LedgerFixture.FEATURE));
                }
            }
            return out;
        });
        long fresh = outcomes.stream().flatMap(List::stream)
                .filter(o -> o instanceof Outcome.Done<Settled>(var s) && !s.replayed()).count();
        assertThat(outcomes.stream().flatMap(List::stream).filter(o -> o instanceof Refused<Settled> r
                && r.reason() != Refusal.CREDITS_EXHAUSTED)).isEmpty();
        assertThat(fresh).isEqualTo(40L * users.size());
        for (var user : users) {
            assertThat(t.balance(user).remaining()).isEqualTo(Credits.ZERO);
        }
        assertThat(count(t, "select count(*) from ledger_entries where tenant_id = :tenant and type = 'CHARGE'"))
                .isEqualTo(40L * users.size());
        t.assertReconciles();
    }
}

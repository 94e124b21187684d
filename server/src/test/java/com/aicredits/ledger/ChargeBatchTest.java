package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.Together;
import com.aicredits.directory.Directory;
import com.aicredits.directory.UserChange;
import com.aicredits.notifications.Notifications;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Batch charges (API.md, "Batch consumption"): each item answers what a single charge would have answered, in
 * the order given, on the real PostgreSQL; and batches racing single charges on the same users stay exact.
 */
@TestApplication
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChargeBatchTest {

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired Notifications notifications;
    @Autowired JdbcClient jdbc;
    @Autowired Consumption consumption;
    @Autowired org.springframework.transaction.support.TransactionTemplate transactions;

    private static ChargeItem item(String request, UserId user, String cost) {
        return new ChargeItem(new RequestId(request), user, "canvas",
                ((Credits.Entered.Valid) Credits.parseCost(new java.math.BigDecimal(cost))).credits());
    }

    private static List<Outcome<Settled>> done(Outcome<List<Outcome<Settled>>> batch) {
        assertThat(batch).isInstanceOf(Outcome.Done.class);
        return batch.orElseThrow();
    }

    /** An outcome as the API shows it: SETTLED cost remaining, or the refusal's code and message. */
    private static String shown(Outcome<Settled> outcome) {
        return switch (outcome) {
            case Outcome.Done<Settled>(var s) -> s.requestId() + " SETTLED " + s.cost() + " " + s.remaining();
            case Refused<Settled> r -> "REFUSED " + r.reason() + " " + r.message() + " " + r.limit();
        };
    }

    private long count(LedgerFixture t, String sql) {
        return jdbc.sql(sql).param("tenant", t.tenant.value()).query(Long.class).single();
    }

    @Test
    void one_user_many_times_applies_in_order_and_refuses_the_items_after_the_balance_runs_out() {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var ada = t.user("Ada Batch");
        t.assigned(ada, "10");
        var items = IntStream.range(0, 6).mapToObj(i -> item("ada-" + i, ada, "3")).toList();

        var results = done(ledger.charge(t.tenant, items, LedgerFixture.FEATURE));

        // 10 → 7 → 4 → 1 → -2 (admitted while available > 0, as a single charge), then refused
        assertThat(results.stream().map(ChargeBatchTest::shown)).containsExactly(
                "ada-0 SETTLED 3 7", "ada-1 SETTLED 3 4", "ada-2 SETTLED 3 1", "ada-3 SETTLED 3 -2",
                "REFUSED CREDITS_EXHAUSTED the user's AI credits are used up; contact your administrator for more -2",
                "REFUSED CREDITS_EXHAUSTED the user's AI credits are used up; contact your administrator for more -2");
        assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(-2));
        assertThat(count(t, "select count(*) from ledger_entries where tenant_id = :tenant and type = 'CHARGE'")).isEqualTo(4);
        t.assertReconciles();
    }

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
        // Cy must count in another tenant_totals slot (V4) than Ada and Bob: else the batch would wait for Cy's open
        // transaction on a slot it locks, before the lock or the insert this test waits on.
        var cy = t.userApartFrom(jdbc, "Cy Other", ada, bob);
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
    void a_request_id_repeated_in_the_batch_answers_its_first_outcome_and_charges_once() {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var ada = t.user("Ada Twice");
        var bob = t.user("Bob Twice");
        t.assigned(ada, "10");
        t.assigned(bob, "10");
        var results = done(ledger.charge(t.tenant, List.of(
                item("same", ada, "4"), item("same", ada, "4"), item("same", bob, "4"),
                new ChargeItem(new RequestId("same"), ada, "other-feature", Credits.of(4)),
                item("same", ada, "9")), LedgerFixture.FEATURE));

        assertThat(results.get(0)).isEqualTo(Outcome.done(new Settled(new RequestId("same"), Credits.of(4), Credits.of(6), false)));
        assertThat(results.get(1)).isEqualTo(Outcome.done(new Settled(new RequestId("same"), Credits.of(4), Credits.of(6), true)));
        assertThat(((Refused<?>) results.get(2)).reason()).isEqualTo(Refusal.REQUEST_ID_REUSED);
        assertThat(((Refused<?>) results.get(3)).reason()).isEqualTo(Refusal.REQUEST_ID_REUSED);
        // a different cost with the same request id answers the first outcome, as a single charge's retry does
        assertThat(results.get(4)).isEqualTo(Outcome.done(new Settled(new RequestId("same"), Credits.of(4), Credits.of(6), true)));
        assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(6));
        assertThat(t.balance(bob).remaining()).isEqualTo(Credits.of(10));
        t.assertReconciles();
    }

    @Test
    void a_mixed_batch_answers_each_item_as_a_single_charge_would_and_a_repeat_answers_the_same() {
        // Two tenants set up alike: one charged item by item, the other in one batch; the answers must match.
        List<String> single = new ArrayList<>();
        List<String> batched = new ArrayList<>();
        List<ChargeItem> lastBatch = null;
        LedgerFixture batchTenant = null;
        for (boolean batch : new boolean[] {false, true}) {
            var t = new LedgerFixture(ledger, directory).purchased("100");
            var rich = t.user("Rich");
            var poor = t.user("Poor");
            var none = t.user("Unallocated");
            var gone = t.user("Gone");
            t.assigned(rich, "50");
            t.assigned(poor, "1");
            t.assigned(gone, "5");
            directory.change(t.tenant, gone, new UserChange(null, null, false));
            assertThat(ledger.charge(t.tenant, new RequestId("earlier"), rich, "canvas", Credits.of(2), LedgerFixture.FEATURE))
                    .isInstanceOf(Outcome.Done.class);
            var items = List.of(item("r1", rich, "5"), item("p1", poor, "2"), item("n1", none, "1"), item("g1", gone, "1"),
                    item("x1", UserId.random(), "1"), item("p2", poor, "1"), item("earlier", rich, "2"),
                    item("earlier", poor, "2"), item("r2", rich, "0"), item("r3", rich, "0.125"));
            if (batch) {
                done(ledger.charge(t.tenant, items, LedgerFixture.FEATURE)).forEach(o -> batched.add(shown(o)));
                lastBatch = items;
                batchTenant = t;
            } else {
                items.forEach(i -> single.add(shown(ledger.charge(t.tenant, i.requestId(), i.userId(), i.feature(), i.cost(),
                        LedgerFixture.FEATURE))));
            }
            t.assertReconciles();
        }
        assertThat(batched).containsExactlyElementsOf(single);
        assertThat(batched).anyMatch(s -> s.contains("NO_ALLOCATION")).anyMatch(s -> s.contains("USER_INACTIVE"))
                .anyMatch(s -> s.contains("NOT_FOUND")).anyMatch(s -> s.contains("CREDITS_EXHAUSTED"))
                .anyMatch(s -> s.contains("REQUEST_ID_REUSED")).anyMatch(s -> s.contains("SETTLED"));

        // The whole batch again: every settled item answers its first outcome, nothing more is charged.
        long entries = count(batchTenant, "select count(*) from ledger_entries where tenant_id = :tenant");
        var again = done(ledger.charge(batchTenant.tenant, lastBatch, LedgerFixture.FEATURE));
        assertThat(again.stream().map(ChargeBatchTest::shown)).containsExactlyElementsOf(batched);
        assertThat(again.stream().filter(o -> o instanceof Outcome.Done<Settled>(var s) && !s.replayed())).isEmpty();
        assertThat(count(batchTenant, "select count(*) from ledger_entries where tenant_id = :tenant")).isEqualTo(entries);
        batchTenant.assertReconciles();
    }

    @Test
    void a_malformed_batch_is_refused_as_a_whole_and_changes_nothing() {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var ada = t.user("Ada Malformed");
        t.assigned(ada, "10");
        var good = item("good", ada, "1");
        var tooMany = IntStream.range(0, ChargeItem.MAX_PER_BATCH + 1).mapToObj(i -> item("m-" + i, ada, "0")).toList();
        record Case(List<ChargeItem> items, Refusal reason, String field) {
        }
        var cases = new ArrayList<Case>();
        cases.add(new Case(List.of(), Refusal.VALIDATION_FAILED, "items"));
        cases.add(new Case(tooMany, Refusal.VALIDATION_FAILED, "items"));
        cases.add(new Case(java.util.Arrays.asList(good, null), Refusal.VALIDATION_FAILED, "items[1]"));
        cases.add(new Case(List.of(good, new ChargeItem(new RequestId(""), ada, "canvas", Credits.of(1))), Refusal.VALIDATION_FAILED, "items[1].requestId"));
        cases.add(new Case(List.of(good, new ChargeItem(new RequestId("f"), ada, " ", Credits.of(1))), Refusal.VALIDATION_FAILED, "items[1].feature"));
        cases.add(new Case(List.of(good, new ChargeItem(new RequestId("u"), null, "canvas", Credits.of(1))), Refusal.VALIDATION_FAILED, "items[1].userId"));
        cases.add(new Case(List.of(good, new ChargeItem(new RequestId("c"), ada, "canvas", Credits.of(-1))), Refusal.INVALID_AMOUNT, "items[1].cost"));
        cases.add(new Case(List.of(good, new ChargeItem(new RequestId("c"), ada, "canvas", null)), Refusal.INVALID_AMOUNT, "items[1].cost"));
        for (var c : cases) {
            var outcome = ledger.charge(t.tenant, c.items(), LedgerFixture.FEATURE);
            assertThat(outcome).as(c.field()).isInstanceOf(Refused.class);
            assertThat(((Refused<?>) outcome).reason()).as(c.field()).isEqualTo(c.reason());
            assertThat(((Refused<?>) outcome).field()).isEqualTo(c.field());
        }
        assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(10));
        assertThat(count(t, "select count(*) from consumption_requests where tenant_id = :tenant")).isZero();
    }

    @Test
    void batch_items_raise_the_alerts_a_single_charge_would_once_per_crossing() {
        var t = new LedgerFixture(ledger, directory).purchased("1000");
        var user = t.user("Ada Alerted");
        t.assigned(user, "100"); // low at 20 % = 20 remaining
        var items = IntStream.range(0, 120).mapToObj(i -> item("a-" + i, user, "1")).toList();
        var results = done(ledger.charge(t.tenant, items, LedgerFixture.FEATURE));
        assertThat(results.stream().filter(o -> o instanceof Outcome.Done)).hasSize(100);
        assertThat(notifications.inbox(t.tenant, user, false).items().stream().map(n -> n.type()))
                .containsOnlyOnce(AlertRaised.USER_LOW_BALANCE, AlertRaised.USER_EXHAUSTED);
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

    @Test
    void rounds_keep_each_users_order_and_put_a_repeated_request_id_after_its_first() {
        var a = UserId.random();
        var b = UserId.random();
        var rounds = ChargeBatches.rounds(List.of(item("1", a, "1"), item("2", b, "1"), item("3", a, "1"),
                item("2", a, "1"), item("5", b, "1")));
        assertThat(rounds.stream().map(r -> r.stream().map(i -> i.position()).toList()))
                .containsExactly(List.of(0, 1), List.of(2, 4), List.of(3));
    }
}

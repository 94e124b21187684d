package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.UserChange;
import com.aicredits.notifications.Notifications;
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
 * Batch charges (API.md, "Batch consumption"): each item answers what a single charge would have answered, in
 * the order given, on the real PostgreSQL; a repeated request id answers its first outcome, a malformed batch is
 * refused whole, and items raise the alerts a single charge would. {@link ChargeBatchRaceTest} has batches racing
 * other transactions.
 */
@TestApplication
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChargeBatchTest extends ChargeBatchContext {

    @Autowired Notifications notifications;

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
    void rounds_keep_each_users_order_and_put_a_repeated_request_id_after_its_first() {
        var a = UserId.random();
        var b = UserId.random();
        var rounds = ChargeBatches.rounds(List.of(item("1", a, "1"), item("2", b, "1"), item("3", a, "1"),
                item("2", a, "1"), item("5", b, "1")));
        assertThat(rounds.stream().map(r -> r.stream().map(i -> i.position()).toList()))
                .containsExactly(List.of(0, 1), List.of(2, 4), List.of(3));
    }
}

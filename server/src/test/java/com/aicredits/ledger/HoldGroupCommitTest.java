package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.TestClock;
import com.aicredits.Together;
import com.aicredits.directory.UserChange;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.UserId;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Group commit of authorizations and settlements (issue 16, {@link HoldGatherer}, V33__hold_rounds.sql) on the real
 * PostgreSQL: gathered, each still answers exactly what it would alone (its figures, a refusal's reason, a repeated
 * request id's first outcome), and the ledger reconciles.
 */
@TestApplication
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HoldGroupCommitTest extends GroupCommitContext {

    @Autowired MeterRegistry registry;
    @Autowired TestClock testClock;

    @Test
    void many_threads_authorizing_and_settling_at_once_are_exact_and_each_answer_is_its_own() throws Exception {
        var t = new LedgerFixture(ledger, directory).purchased("10000");
        List<UserId> users = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            users.add(t.user("Pair " + i));
            t.assigned(users.get(i), "100");
        }
        var poor = t.user("Pair Poor");
        t.assigned(poor, "5");
        double[] before = {groups(registry, "authorizations").totalAmount(), groups(registry, "settlements").totalAmount(),
                groups(registry, "authorizations").count()};
        int each = 20;

        // Threads 0-31: 4 per user (the in-flight limit), each authorizing 2 and settling 1, 20 times: 80 of 100 consumed.
        // Threads 32-35 on a user with 5 credits, holding 1 and settling 1: exactly 5 admitted, the rest refused.
        List<List<Outcome<?>>> answers = Together.run(36, i -> {
            var user = i < 32 ? users.get(i % 8) : poor;
            List<Outcome<?>> mine = new ArrayList<>();
            for (int k = 0; k < each; k++) {
                var request = new RequestId("p" + i + "-" + k);
                var authorized = ledger.authorize(t.tenant, request, user, "canvas", cost(i < 32 ? 2 : 1), ACTOR);
                mine.add(authorized);
                if (authorized instanceof Outcome.Done<Authorized>) {
                    mine.add(ledger.settle(t.tenant, request, cost(1), ACTOR));
                }
            }
            return mine;
        });

        for (int u = 0; u < 8; u++) {
            List<Long> remainingAfterSettles = new ArrayList<>();
            for (int i = u; i < 32; i += 8) {
                var mine = answers.get(i);
                assertThat(mine).as("thread %d", i).hasSize(2 * each);
                for (var outcome : mine) {
                    switch (outcome) {
                        case Outcome.Done<?>(Authorized a) -> {
                            assertThat(a.held()).isEqualTo(cost(2));
                            assertThat(a.replayed()).isFalse();
                        }
                        case Outcome.Done<?>(Settled s) -> {
                            assertThat(s.replayed()).isFalse();
                            remainingAfterSettles.add(s.remaining().thousandths() / 1000);
                        }
                        default -> throw new AssertionError("thread " + i + ": " + shown(outcome));
                    }
                }
            }
            // Each settle saw its own remaining figure: 99 down to 20, each once.
            assertThat(remainingAfterSettles).containsExactlyInAnyOrderElementsOf(
                    LongStream.rangeClosed(20, 99).boxed().toList());
            assertThat(t.balance(users.get(u)).remaining()).isEqualTo(cost(20));
            assertThat(t.balance(users.get(u)).held()).isEqualTo(Credits.ZERO);
        }
        var poorAnswers = answers.subList(32, 36).stream().flatMap(List::stream).map(GroupCommitContext::shown).toList();
        assertThat(poorAnswers.stream().filter(s -> s.startsWith("AUTHORIZED"))).hasSize(5);
        assertThat(poorAnswers.stream().filter(s -> s.startsWith("SETTLED 1 "))).hasSize(5);
        assertThat(poorAnswers.stream().filter(s -> s.startsWith("REFUSED"))).hasSize(4 * each - 5)
                .allMatch(s -> s.equals("REFUSED CREDITS_EXHAUSTED"));
        assertThat(t.balance(poor).remaining()).isEqualTo(Credits.ZERO);
        // Every call went in exactly one group, and some groups had more than one.
        assertThat(groups(registry, "authorizations").totalAmount() - before[0]).isEqualTo(36 * each);
        assertThat(groups(registry, "settlements").totalAmount() - before[1]).isEqualTo(32 * each + 5);
        assertThat(groups(registry, "authorizations").count() - before[2]).isLessThan(36 * each);
        t.assertReconciles();
    }

    @Test
    void a_refused_or_repeated_authorization_in_a_group_answers_only_itself() throws Exception {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        List<UserId> rich = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rich.add(t.user("Holder " + i));
            t.assigned(rich.get(i), "10");
        }
        var none = t.user("Unallocated holder");
        var gone = t.user("Gone holder");
        var poor = t.user("Poor holder");
        var busy = t.user("Busy holder");
        t.assigned(gone, "5");
        t.assigned(poor, "1");
        t.charged(poor, "1");
        t.assigned(busy, "10");
        for (int i = 0; i < 4; i++) {
            assertThat(t.authorize("busy-" + i, busy, "1")).isInstanceOf(Outcome.Done.class);
        }
        directory.change(t.tenant, gone, new UserChange(null, null, false));
        var unknown = new UserId(UUID.randomUUID());
        // The first holder twice with one request id: one applies it, the other answers its first outcome.
        List<UserId> users = new ArrayList<>(rich);
        users.addAll(List.of(rich.get(0), none, gone, poor, busy, unknown));
        var gatherer = holdGatherer(1, Duration.ofMillis(100), users.size());

        List<String> answers = Together.run(users.size(), i -> shown(gatherer.authorize(t.tenant,
                new RequestId(i == 3 ? "h-0" : "h-" + i), users.get(i), "canvas", cost(3), ACTOR)));

        assertThat(List.of(answers.get(0), answers.get(3))).containsExactlyInAnyOrder("AUTHORIZED 3 7", "AUTHORIZED 3 7 replayed");
        assertThat(answers.subList(1, 3)).containsOnly("AUTHORIZED 3 7");
        assertThat(answers.subList(4, users.size())).containsExactly("REFUSED NO_ALLOCATION", "REFUSED USER_INACTIVE",
                "REFUSED CREDITS_EXHAUSTED", "REFUSED TOO_MANY_IN_FLIGHT", "REFUSED NOT_FOUND");
        assertThat(groups(ownRegistry, "authorizations").totalAmount()).isEqualTo(users.size());
        // One went alone (the lane was idle); the others queued behind it and were applied as one group.
        assertThat(groups(ownRegistry, "authorizations").max()).isGreaterThan(1);
        rich.forEach(u -> assertThat(t.balance(u).held()).isEqualTo(cost(3)));
        t.assertReconciles();
    }

    @Test
    void a_late_settlement_in_a_round_reopens_a_closed_allocation_as_it_would_alone() {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var ada = t.user("Ada Late");
        var bob = t.user("Bob Late");
        t.assigned(ada, "10");
        t.assigned(bob, "10");
        assertThat(t.authorize("late-ada", ada, "4")).isInstanceOf(Outcome.Done.class);
        assertThat(t.authorize("late-bob", bob, "4")).isInstanceOf(Outcome.Done.class);
        testClock.advance(Duration.ofMinutes(16)); // past the holds' time-to-live, within the settle deadline
        assertThat(ledger.expireHolds()).isGreaterThanOrEqualTo(2);
        // Taking remaining to exactly zero closes the allocation.
        assertThat(ledger.remove(t.tenant, ada, cost(10), null, LedgerFixture.ADMIN, null)).isInstanceOf(Outcome.Done.class);
        assertThat(t.balance(ada).active()).isFalse();

        // The round itself (what a group of these two settles applies), not the lane that may send each alone.
        var answers = holdGatherer(1, Duration.ZERO, 10).settleRound(t.tenant, List.of(
                new HoldGatherer.SettleItem(new RequestId("late-ada"), cost(3)),
                new HoldGatherer.SettleItem(new RequestId("late-bob"), cost(3))), ACTOR);

        assertThat(answers).extracting(GroupCommitContext::shown).containsExactly("SETTLED 3 -3", "SETTLED 3 7");
        assertThat(t.balance(ada).remaining()).isEqualTo(cost(-3));
        assertThat(t.balance(ada).active()).as("the debt is shown: the allocation is open again").isTrue();
        assertThat(t.balance(bob).remaining()).isEqualTo(cost(7));
        t.assertReconciles();
    }

    @Test
    void a_settlement_in_a_group_answers_as_it_would_alone() throws Exception {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var ada = t.user("Ada Settles");
        var bob = t.user("Bob Settles");
        t.assigned(ada, "20");
        t.assigned(bob, "20");
        for (var request : List.of("s-ada-1", "s-ada-2", "s-twice", "s-voided")) {
            assertThat(t.authorize(request, ada, "2")).isInstanceOf(Outcome.Done.class);
        }
        assertThat(t.authorize("s-bob", bob, "2")).isInstanceOf(Outcome.Done.class);
        assertThat(ledger.voidRequest(t.tenant, new RequestId("s-voided"), ACTOR)).isInstanceOf(Outcome.Done.class);
        List<String> requests = List.of("s-ada-1", "s-ada-2", "s-bob", "s-twice", "s-twice", "s-voided", "s-unknown");
        var gatherer = holdGatherer(1, Duration.ofMillis(100), requests.size());

        List<String> answers = Together.run(requests.size(), i -> shown(gatherer.settle(t.tenant,
                new RequestId(requests.get(i)), cost(5), ACTOR)));

        // Ada's three settles of 5 run in some order: their remaining figures are 15, 10 and 5, each once.
        var ada3 = new ArrayList<>(answers.subList(0, 2));
        var twice = answers.subList(3, 5);
        ada3.add(twice.stream().filter(s -> !s.endsWith("replayed")).findFirst().orElseThrow());
        assertThat(ada3).containsExactlyInAnyOrder("SETTLED 5 15", "SETTLED 5 10", "SETTLED 5 5");
        assertThat(twice).containsExactlyInAnyOrder(ada3.get(2), ada3.get(2) + " replayed");
        assertThat(answers.get(2)).isEqualTo("SETTLED 5 15");
        assertThat(answers.subList(5, 7)).containsExactly("REFUSED " + Refusal.ALREADY_VOIDED, "REFUSED NOT_FOUND");
        assertThat(t.balance(ada).remaining()).isEqualTo(cost(5));
        assertThat(t.balance(ada).held()).isEqualTo(Credits.ZERO);
        assertThat(t.balance(bob).remaining()).isEqualTo(cost(15));
        assertThat(groups(ownRegistry, "settlements").max()).isGreaterThan(1);
        t.assertReconciles();
    }
}

package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.Together;
import com.aicredits.directory.UserChange;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Group commit of single charges (issue 16, {@link ChargeGatherer}) on the real PostgreSQL: concurrent charges of
 * a tenant applied together still answer each its own outcome, exactly as one at a time would (one user and many,
 * repeated request ids, refusals among them), and the ledger reconciles. {@link GroupCommitPathsTest} has which
 * path a charge takes.
 */
@TestApplication
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GroupCommitTest extends GroupCommitContext {

    @Autowired MeterRegistry registry;

    @Test
    void many_threads_charging_one_user_and_others_at_once_are_exact_and_each_answer_is_its_own() throws Exception {
        var t = new LedgerFixture(ledger, directory).purchased("10000");
        var hot = t.user("Hot Spender");
        t.assigned(hot, "250");
        List<UserId> others = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            others.add(t.user("Other " + i));
            t.assigned(others.get(i), "100");
        }
        double groupsBefore = groups(registry).count();
        double itemsBefore = groups(registry).totalAmount();
        int threads = 48;
        int each = 25;

        // Even threads charge the hot user (600 charges of 1 against 250), odd ones 3 threads per other user (75 of 100).
        List<List<Outcome<Settled>>> answers = Together.run(threads, i -> {
            var user = i % 2 == 0 ? hot : others.get(i / 2 % 8);
            List<Outcome<Settled>> mine = new ArrayList<>();
            for (int k = 0; k < each; k++) {
                mine.add(ledger.charge(t.tenant, new RequestId("t" + i + "-" + k), user, "canvas", cost(1), ACTOR));
            }
            return mine;
        });

        Map<UserId, List<Outcome<Settled>>> byUser = new HashMap<>();
        for (int i = 0; i < threads; i++) {
            byUser.computeIfAbsent(i % 2 == 0 ? hot : others.get(i / 2 % 8), u -> new ArrayList<>()).addAll(answers.get(i));
        }
        // Each admitted charge saw its own remaining figure: the hot user's run 249 down to 0, each once.
        assertThat(remainingSeen(byUser.get(hot))).containsExactlyInAnyOrderElementsOf(range(0, 249));
        assertThat(byUser.get(hot).stream().filter(o -> o instanceof Refused<Settled>).map(GroupCommitTest::shown))
                .hasSize(600 - 250).allMatch(s -> s.equals("REFUSED CREDITS_EXHAUSTED"));
        assertThat(t.balance(hot).remaining()).isEqualTo(Credits.ZERO);
        for (var other : others) {
            assertThat(remainingSeen(byUser.get(other))).containsExactlyInAnyOrderElementsOf(range(25, 99));
            assertThat(t.balance(other).remaining()).isEqualTo(cost(25));
        }
        // Every charge was applied in exactly one group, and some groups had more than one.
        assertThat(groups(registry).totalAmount() - itemsBefore).isEqualTo(threads * each);
        assertThat(groups(registry).count() - groupsBefore).isLessThan(threads * each);
        t.assertReconciles();
    }

    private static List<Long> remainingSeen(List<Outcome<Settled>> outcomes) {
        return outcomes.stream().filter(o -> o instanceof Outcome.Done<Settled>)
                .map(o -> ((Outcome.Done<Settled>) o).value())
                .peek(s -> assertThat(s.replayed()).isFalse())
                .map(s -> s.remaining().thousandths() / 1000).toList();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void request_ids_repeated_across_gathered_charges_apply_once_each_and_the_others_answer_as_a_retry_would()
            throws Exception {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var ada = t.user("Ada Dup");
        var bob = t.user("Bob Dup");
        t.assigned(ada, "40");
        t.assigned(bob, "40");
        var gatherer = gatherer(1, Duration.ofMillis(50), 64);
        int threads = 40;

        // 5 request ids, each sent by 8 threads: 7 the same charge of Ada, the 8th Bob's (a different body).
        List<Outcome<Settled>> answers = Together.run(threads, i -> gatherer.charge(t.tenant,
                new RequestId("dup-" + i % 5), i >= 35 ? bob : ada, "canvas", cost(2), ACTOR));

        long adaWins = 0;
        for (int r = 0; r < 5; r++) {
            List<Integer> senders = new ArrayList<>();
            for (int i = r; i < threads; i += 5) {
                senders.add(i);
            }
            var firsts = senders.stream().filter(i -> answers.get(i) instanceof Outcome.Done<Settled> d && !d.value().replayed()).toList();
            assertThat(firsts).as("dup-" + r + " applied once").hasSize(1);
            int first = firsts.get(0);
            boolean firstIsBob = first >= 35;
            adaWins += firstIsBob ? 0 : 1;
            var applied = ((Outcome.Done<Settled>) answers.get(first)).value();
            for (int i : senders) {
                if (i == first) {
                    continue;
                }
                if ((i >= 35) == firstIsBob) {
                    assertThat(answers.get(i)).as("dup-" + r + " from " + i)
                            .isEqualTo(Outcome.done(new Settled(applied.requestId(), applied.cost(), applied.remaining(), true)));
                } else {
                    assertThat(((Refused<?>) answers.get(i)).reason()).as("dup-" + r + " from " + i).isEqualTo(Refusal.REQUEST_ID_REUSED);
                }
            }
        }
        assertThat(t.balance(ada).remaining()).isEqualTo(cost(40 - 2 * adaWins));
        assertThat(t.balance(bob).remaining()).isEqualTo(cost(40 - 2 * (5 - adaWins)));
        assertThat(groups(ownRegistry).totalAmount()).isEqualTo(threads);
        assertThat(groups(ownRegistry).max()).isGreaterThan(1);
        t.assertReconciles();
    }

    @Test
    void a_refused_charge_in_a_group_answers_only_itself() throws Exception {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        List<UserId> rich = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rich.add(t.user("Rich " + i));
            t.assigned(rich.get(i), "10");
        }
        var none = t.user("Unallocated");
        var gone = t.user("Gone");
        var poor = t.user("Poor");
        t.assigned(gone, "5");
        t.assigned(poor, "1");
        t.charged(poor, "1");
        directory.change(t.tenant, gone, new UserChange(null, null, false));
        var unknown = new UserId(UUID.randomUUID());
        List<UserId> users = new ArrayList<>(rich);
        users.addAll(List.of(none, gone, poor, unknown));
        var gatherer = gatherer(1, Duration.ofMillis(100), users.size());

        List<String> answers = Together.run(users.size(), i -> shown(gatherer.charge(t.tenant,
                new RequestId("n-" + i), users.get(i), "canvas", cost(3), ACTOR)));

        assertThat(answers).containsExactly("SETTLED 3 7", "SETTLED 3 7", "SETTLED 3 7", "SETTLED 3 7",
                "REFUSED NO_ALLOCATION", "REFUSED USER_INACTIVE", "REFUSED CREDITS_EXHAUSTED", "REFUSED NOT_FOUND");
        assertThat(groups(ownRegistry).totalAmount()).isEqualTo(users.size());
        // One went alone (the lane was idle); the others queued behind it and were applied as one group.
        assertThat(groups(ownRegistry).max()).isGreaterThan(1);
        rich.forEach(u -> assertThat(t.balance(u).remaining()).isEqualTo(cost(7)));
        assertThat(t.balance(poor).remaining()).isEqualTo(Credits.ZERO);
        t.assertReconciles();
    }
}

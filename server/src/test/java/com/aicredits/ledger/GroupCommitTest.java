package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aicredits.TestApplication;
import com.aicredits.Together;
import com.aicredits.directory.Directory;
import com.aicredits.directory.UserChange;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit of single charges (issue 16, {@link ChargeGatherer}) on the real PostgreSQL: concurrent charges of
 * a tenant applied together still answer each its own outcome, exactly as one at a time would, and the ledger
 * reconciles. Tests that must be sure charges were gathered use a gatherer of their own with one group in flight
 * and a long gathering wait, and their own meter registry to count the groups.
 */
@TestApplication
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GroupCommitTest {

    private static final Actor ACTOR = LedgerFixture.FEATURE;

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired Consumption consumption;
    @Autowired ChargeBatches batches;
    @Autowired RequestStore requests;
    @Autowired MeterRegistry registry;
    @Autowired ChargeBatchStore batchStore;
    @Autowired ApplicationEventPublisher events;
    @Autowired Clock clock;
    @Autowired BatchSettings batchSettings;
    @Autowired DataSource dataSource;
    @Autowired JdbcClient jdbc;

    private final SimpleMeterRegistry ownRegistry = new SimpleMeterRegistry();

    /** A gatherer of this test's settings, recording its groups in {@link #ownRegistry}. */
    private ChargeGatherer gatherer(int inFlight, Duration maxWait, int maxItems) {
        return new ChargeGatherer(new GroupCommitSettings(true, maxItems, maxWait, inFlight), consumption, batches,
                new LedgerMetrics(ownRegistry, requests));
    }

    private static DistributionSummary groups(MeterRegistry in) {
        return in.get("aicredits.charges.group.size").summary();
    }

    private static Credits cost(long credits) {
        return Credits.of(credits);
    }

    private static String shown(Outcome<Settled> outcome) {
        return switch (outcome) {
            case Outcome.Done<Settled>(var s) -> "SETTLED " + s.cost() + " " + s.remaining() + (s.replayed() ? " replayed" : "");
            case Refused<Settled> r -> "REFUSED " + r.reason();
        };
    }

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

    @Test
    void a_lone_charge_goes_at_once_without_waiting_for_company() {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var ada = t.user("Ada Alone");
        t.assigned(ada, "50");
        // A gathering wait of 100 ms: were a lone charge ever held for company, 20 charges would take 2 s or more.
        var gatherer = gatherer(2, Duration.ofMillis(100), 100);
        long start = System.nanoTime();
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(shown(gatherer.charge(t.tenant, new RequestId("alone-" + i), ada, "canvas", cost(1), ACTOR)));
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(answers).isEqualTo(LongStream.rangeClosed(1, 20).mapToObj(i -> "SETTLED 1 " + (50 - i)).toList());
        // Measured, not asserted: each went alone, as the group count shows.
        assertThat(groups(ownRegistry).count()).isEqualTo(20);
        assertThat(groups(ownRegistry).max()).isEqualTo(1);
        System.out.printf("20 lone charges through the gatherer: %d ms%n", millis);
        t.assertReconciles();
    }

    @Test
    void a_group_that_gets_no_connection_answers_each_of_its_charges_with_that_failure_at_once() throws Exception {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        List<UserId> users = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            users.add(t.user("Unreached " + i));
            t.assigned(users.get(i), "10");
        }
        // Groups go through a transaction manager whose database refuses every connection; single charges through
        // the real one. Were a group's charges to fall back to the single path, they would be charged here.
        var nowhere = new TransactionTemplate(new DataSourceTransactionManager(
                new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/nowhere")));
        var unreachable = new ChargeBatches(batchStore, requests, consumption, nowhere, events, clock, batchSettings);
        var gatherer = new ChargeGatherer(new GroupCommitSettings(true, 10, Duration.ofMillis(100), 1), consumption,
                unreachable, new LedgerMetrics(ownRegistry, requests));
        var pool = Executors.newVirtualThreadPerTaskExecutor();
        Future<Outcome<Settled>> first;
        List<Future<Outcome<Settled>>> queued = new ArrayList<>();
        try (var locker = dataSource.getConnection()) {
            // The first charge takes the lane's one place and waits for its account, locked here, while the others queue.
            locker.setAutoCommit(false);
            int backend;
            try (var pid = locker.createStatement(); var rs = pid.executeQuery("select pg_backend_pid()")) {
                rs.next();
                backend = rs.getInt(1);
            }
            try (var lock = locker.prepareStatement("select 1 from accounts where tenant_id = ? and user_id = ? for update")) {
                lock.setObject(1, t.tenant.value());
                lock.setObject(2, users.get(0).value());
                lock.executeQuery().close();
            }
            first = pool.submit(() -> gatherer.charge(t.tenant, new RequestId("u-0"), users.get(0), "canvas", cost(1), ACTOR));
            awaitQueued(0, first, backend);
            for (int i = 1; i < users.size(); i++) {
                var user = users.get(i);
                var request = new RequestId("u-" + i);
                queued.add(pool.submit(() -> gatherer.charge(t.tenant, request, user, "canvas", cost(1), ACTOR)));
            }
            awaitQueued(users.size() - 1, first, backend);
            locker.rollback();
        }

        assertThat(shown(first.get(30, TimeUnit.SECONDS))).isEqualTo("SETTLED 1 9");
        for (int i = 1; i < users.size(); i++) {
            var answer = queued.get(i - 1);
            assertThatThrownBy(() -> answer.get(30, TimeUnit.SECONDS)).as("charge %d", i)
                    .cause().isInstanceOf(CannotCreateTransactionException.class);
            assertThat(t.balance(users.get(i)).remaining()).as("user %d", i).isEqualTo(cost(10));
            assertThat(requests.request(t.tenant, new RequestId("u-" + i))).as("request %d", i).isEmpty();
        }
        t.assertReconciles();
    }

    /** Waits until this many charges are queued in the test's gatherer, and the first waits for {@code backend}'s lock. */
    private void awaitQueued(int count, Future<?> first, int backend) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ownRegistry.get("aicredits.charges.queued").gauge().value() < count
                || jdbc.sql("select count(*) from pg_stat_activity where ? = any(pg_blocking_pids(pid))")
                        .param(backend).query(Long.class).single() == 0) {
            assertThat(first).as("the first charge waits for its account").isNotDone();
            assertThat(System.nanoTime()).as("%d charges queued", count).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void switched_off_every_charge_takes_the_single_path() {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var ada = t.user("Ada Off");
        t.assigned(ada, "5");
        var off = new ChargeGatherer(new GroupCommitSettings(false, null, null, null), consumption, batches,
                new LedgerMetrics(ownRegistry, requests));

        assertThat(shown(off.charge(t.tenant, new RequestId("off-1"), ada, "canvas", cost(2), ACTOR))).isEqualTo("SETTLED 2 3");
        assertThat(shown(off.charge(t.tenant, new RequestId("off-1"), ada, "canvas", cost(2), ACTOR))).isEqualTo("SETTLED 2 3 replayed");
        assertThat(groups(ownRegistry).count()).isZero();
        t.assertReconciles();
    }
}

package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aicredits.TestApplication;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.UserId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Which path a single charge takes through group commit (issue 16, {@link ChargeGatherer}) on the real PostgreSQL:
 * a lone charge goes at once without waiting for company; a group whose transaction gets no connection answers each
 * of its charges with that failure at once, instead of sending each to the single path; inside a caller's transaction
 * and switched off, every charge takes the single path.
 */
@TestApplication
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GroupCommitPathsTest extends GroupCommitContext {

    @Autowired ChargeBatchStore batchStore;
    @Autowired BatchSettings batchSettings;
    @Autowired DataSource dataSource;
    @Autowired JdbcClient jdbc;
    @Autowired org.springframework.transaction.PlatformTransactionManager transactionManager;

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
    void inside_a_callers_transaction_a_call_takes_the_single_path_and_shares_its_fate() {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var ada = t.user("Ada Inside");
        t.assigned(ada, "5");
        var gatherer = gatherer(1, Duration.ofMillis(100), 100);
        var transaction = new TransactionTemplate(transactionManager);

        transaction.executeWithoutResult(status -> {
            assertThat(shown(gatherer.charge(t.tenant, new RequestId("inside-1"), ada, "canvas", cost(2), ACTOR)))
                    .isEqualTo("SETTLED 2 3");
            status.setRollbackOnly();
        });

        // Applied in the caller's transaction, not in a group that commits on its own: rolled back with it.
        assertThat(groups(ownRegistry).count()).isZero();
        assertThat(t.balance(ada).remaining()).isEqualTo(cost(5));
        assertThat(requests.request(t.tenant, new RequestId("inside-1"))).isEmpty();
        t.assertReconciles();
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

package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.UserId;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The usage fold and a two-phase commit, as Citus commits a transaction that wrote through the coordinator (a
 * group-commit round, a batch, a bulk change): the workers prepare, the coordinator commits, the workers commit the
 * prepared transaction. In between, the entries' tx (the coordinator's transaction id) is already below the fold's
 * horizon while the entries are not yet visible. Reproduced on one PostgreSQL: a charge whose entry carries the id of a
 * transaction that has finished, prepared and committed later, while another charge is folded past it. Without the
 * wait (V37, {@link PreparedTransactions}) the fold moves the watermark past the prepared entry and never folds it:
 * both tests fail with the wait removed.
 */
@TestApplication
class UsageTwoPhaseTest {

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired JdbcClient jdbc;
    @Autowired DataSource dataSource;
    @Autowired UsageFolder folder;
    @Autowired MeterRegistry meters;

    LedgerFixture t;
    UserId ada;
    UserId bob;
    final String prepared = "usage-two-phase-" + UUID.randomUUID();

    @BeforeEach
    void tenantWithTwoUsers() {
        t = new LedgerFixture(ledger, directory);
        t.purchased("100");
        ada = t.user("Ada Lovelace");
        bob = t.user("Bob Noyce");
        t.assigned(ada, "10");
        t.assigned(bob, "10");
        t.foldEverything(jdbc);
    }

    @AfterEach
    void noPreparedTransactionLeftBehind() {
        // one left pending would hold every later fold of the suite back
        if (jdbc.sql("select count(*) from pg_prepared_xacts where gid = ?").param(prepared).query(Long.class).single() > 0) {
            jdbc.sql("rollback prepared '" + prepared + "'").update();
        }
    }

    /** The id of a transaction that has finished. */
    long finishedTransaction() {
        return jdbc.sql("select pg_current_xact_id()::text::bigint").query(Long.class).single();
    }

    /**
     * Ada's charge of 1 credit, prepared, then Bob's of 2, committed. On one PostgreSQL the prepared transaction's own id
     * holds the horizon back, unlike the coordinator's on Citus, which has finished: so each entry is stamped with the
     * id of a transaction that finished before, as entries written through a coordinator carry its ids, Ada's the
     * older. A fold then finds Bob's below its horizon and moves the watermark past Ada's.
     */
    void prepareAChargeFinishedOnTheCoordinator() throws SQLException {
        long adas = finishedTransaction();
        long bobs = finishedTransaction();
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("select * from credits_charge('%s', '%s', 'prepared', 'canvas', 1000, 'test', now())"
                    .formatted(t.tenant.value(), ada.value()));
            stamp(statement, "prepared", adas);
            statement.execute("prepare transaction '" + prepared + "'");
        }
        assertThat(ledger.charge(t.tenant, new RequestId("committed"), bob, "canvas", credits("2"), FEATURE))
                .isInstanceOf(Outcome.Done.class);
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            stamp(statement, "committed", bobs);
        }
    }

    /** Past the ledger's append-only trigger, as a test may: a superuser's replication role skips triggers. */
    void stamp(java.sql.Statement statement, String request, long tx) throws SQLException {
        statement.execute("set session_replication_role = replica");
        assertThat(statement.executeUpdate("update ledger_entries set tx = %d where tenant_id = '%s' and request_id = '%s'"
                .formatted(tx, t.tenant.value(), request))).isEqualTo(1);
        statement.execute("set session_replication_role = origin");
    }

    long foldedConsumption() {
        return jdbc.sql("select coalesce(sum(consumed), 0) from usage_daily where tenant_id = ?").param(t.tenant.value())
                .query(Long.class).single();
    }

    @Test
    void a_fold_waits_for_a_two_phase_commit_pending_at_its_horizon() throws Exception {
        prepareAChargeFinishedOnTheCoordinator();
        var commit = CompletableFuture.runAsync(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            jdbc.sql("commit prepared '" + prepared + "'").update();
        });
        t.foldEverything(jdbc);
        commit.get(10, TimeUnit.SECONDS);

        assertThat(foldedConsumption()).as("both charges folded, the prepared one too").isEqualTo(credits("3").thousandths());
        t.assertReconciles();
    }

    @Test
    void a_fold_leaves_the_watermark_where_it_was_while_a_two_phase_commit_stays_pending() throws Exception {
        prepareAChargeFinishedOnTheCoordinator();
        long before = folder.watermark().tx();
        double deferred = meters.counter("aicredits.usage.fold.deferred").count();
        assertThat(folder.foldBatch(UsageFolder.BATCH_SIZE_DEFAULT)).as("a fold that gave up waiting").isZero();
        assertThat(folder.watermark().tx()).isEqualTo(before);
        assertThat(foldedConsumption()).isZero();
        assertThat(meters.counter("aicredits.usage.fold.deferred").count()).as("counted for the operator")
                .isGreaterThan(deferred);

        jdbc.sql("commit prepared '" + prepared + "'").update();
        t.foldEverything(jdbc);
        assertThat(foldedConsumption()).isEqualTo(credits("3").thousandths());
        t.assertReconciles();
    }
}

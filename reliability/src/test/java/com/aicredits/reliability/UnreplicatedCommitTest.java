package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.reliability.Operation.Answered;
import com.aicredits.reliability.Operation.Kind;
import com.aicredits.reliability.Operation.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A commit the synchronous standby never acknowledged is never answered as done. PostgreSQL commits on the
 * primary first and then waits for the standby; a primary that crashes during that wait and is started again
 * (pg_auto_failover's keeper restarts it at once, while the monitor may already be promoting the standby) shows
 * that transaction to every reader, although its caller was never answered and the promoted standby will not have
 * it. {@link FailoverTest} caught the service answering the retry of such a charge or settle as done (a replay),
 * then losing it at the failover. The service now makes every new database connection wait for the standby first
 * ({@code spring.datasource.hikari.connection-init-sql}), so a retry is answered only once the standby has all
 * that the restarted primary shows.
 *
 * <p>The same moment, made certain with one PostgreSQL: its {@code synchronous_standby_names} names a standby that
 * never connects, so every commit waits as a primary's does while its standby is gone; a charge is caught in that
 * wait, and PostgreSQL is crashed and started again with the charge committed on it.
 */
class UnreplicatedCommitTest {

    /** Long enough for several retries, each refused after the pool's 2 s wait for a connection. */
    private static final Duration STANDBY_MISSING_FOR = Duration.ofSeconds(6);
    private static final Duration SERVING_AGAIN_WITHIN = Duration.ofSeconds(30);

    @Test
    void aRetryIsToldDoneOnlyOnceTheStandbyHasTheFirstAttempt() throws Exception {
        try (var rig = Rig.start("unreplicated-commit")) {
            var charge = new Operation(Kind.CHARGE, "unreplicated-charge", rig.tenant.users().getFirst(), 250);
            // The key's last use is written at most once a minute: written now, it does not wait before the charge.
            assertThat(rig.api.balance(rig.tenant.consumeKey(), rig.tenant.id(), charge.user()).status()).isEqualTo(200);
            requireStandby(rig.database, true);
            var first = CompletableFuture.supplyAsync(() -> rig.operations.attempt(charge, true));
            awaitChargeWaitingForStandby(rig.database);

            rig.database.stopImmediately();
            rig.database.start();
            assertThat(first.join()).as("the first attempt, cut off while its commit waited for the standby").isEmpty();
            assertThat(committed(rig.database, charge)).as("the first attempt's commit, shown by the restarted primary")
                    .isTrue();

            int refused = 0;
            for (Instant until = Instant.now().plus(STANDBY_MISSING_FOR); Instant.now().isBefore(until); refused++) {
                assertThat(rig.operations.attempt(charge, true))
                        .as("a retry while the standby does not have the first attempt").isEmpty();
            }

            requireStandby(rig.database, false);
            Optional<Outcome> answer = Optional.empty();
            int tries = refused;
            for (Instant until = Instant.now().plus(SERVING_AGAIN_WITHIN); answer.isEmpty(); tries++) {
                assertThat(Instant.now()).as("a retry answered once no standby is waited for").isBefore(until);
                answer = rig.operations.attempt(charge, true);
            }
            assertThat(answer.get().applied()).as("the retry's answer: %s", answer.get()).isTrue();
            assertThat(answer.get().replayed()).as("the retry's answer is the first attempt's: %s", answer.get()).isTrue();
            rig.journal.record(new Answered(charge, answer.get(), tries + 1));
            int checked = rig.verifyLedger();
            rig.report("unreplicated-commit", ("a charge committed on the primary, not on its standby, when PostgreSQL "
                    + "crashed; %d retries refused (503) until the standby was no longer required, then answered as a "
                    + "replay").formatted(refused), checked);
        }
    }

    /** Every commit waits for a standby that never connects ({@code true}), or for none. */
    private static void requireStandby(PostgresServer database, boolean required) throws SQLException {
        try (var db = database.connect(); var statement = db.createStatement()) {
            statement.execute(required ? "alter system set synchronous_standby_names = 'absent_standby'"
                    : "alter system reset synchronous_standby_names");
            statement.execute("select pg_reload_conf()");
        }
    }

    /** Until the charge's statement has committed on the primary and waits for the standby's acknowledgement. */
    private static void awaitChargeWaitingForStandby(PostgresServer database) throws SQLException {
        try (Connection db = database.connect()) {
            for (int poll = 0; poll < 300; poll++) {
                try (var rs = db.createStatement().executeQuery("""
                        select count(*) from pg_stat_activity
                         where wait_event = 'SyncRep' and query ilike '%credits_charge(%'""")) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                ServiceProcess.pause(Duration.ofMillis(50));
            }
            try (var rs = db.createStatement().executeQuery("select wait_event, left(query, 300) from pg_stat_activity where wait_event is not null")) {
                var seen = new StringBuilder();
                while (rs.next()) {
                    seen.append(rs.getString(1)).append(": ").append(rs.getString(2)).append('\n');
                }
                throw new AssertionError("the charge did not reach its commit within 15 s; waiting:\n" + seen);
            }
        }
    }

    private static boolean committed(PostgresServer database, Operation charge) throws SQLException {
        try (var db = database.connect();
                var statement = db.prepareStatement("select count(*) from consumption_requests where request_id = ?")) {
            statement.setString(1, charge.id());
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }
}

package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.UserId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A single charge that PostgreSQL picks to break a deadlock is charged again, not failed. Seen in CI, before V32, as
 * a deadlock between a charge and an allowance grant over a running totals' slot, which reached the caller as an
 * error (a 500 over HTTP). Since V32 a charge waits for a slot only when other transactions hold all 128 of its
 * tenant's; the test's own transaction does, then wants the charge's account. The charge waits first, so its
 * deadlock check (after PostgreSQL's deadlock_timeout) finds the cycle and it is the one rolled back.
 */
@TestApplication
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class DeadlockRetryTest {

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired DataSource dataSource;

    @Test
    void a_charge_rolled_back_to_break_a_deadlock_is_charged_again_once() throws Exception {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var user = t.user("Deadlock Victim");
        t.assigned(user, "10");

        CompletableFuture<Outcome<Settled>> charge;
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            // The charge's backend must be the one to find the cycle: its deadlock check runs deadlock_timeout (1 s)
            // after it starts waiting. This one waits second, and on a busy machine its check could still come first.
            try (var statement = other.createStatement()) {
                statement.execute("set local deadlock_timeout = '20s'");
            }
            TotalsSlots.holdAllBut(other, t.tenant, -1);
            charge = CompletableFuture.supplyAsync(() -> ledger.charge(t.tenant, new RequestId("deadlock-victim"), user,
                    "canvas", Credits.of(2), LedgerFixture.FEATURE));
            HeldLocks.awaitWaiterOn(other);
            // The charge holds the account and waits for its slot; now the other transaction wants the account.
            lock(other, "select 1 from accounts where tenant_id = ? and user_id = ? for update", t, user);
            assertThat(charge).as("the charge, run again, waits for the account").isNotDone();
            other.commit();
        }
        assertThat(charge.get(30, TimeUnit.SECONDS)).as("the charge's answer").isInstanceOf(Outcome.Done.class);
        assertThat(t.balance(user).remaining()).isEqualTo(Credits.of(8));
        t.assertReconciles();
    }

    private static void lock(Connection connection, String sql, LedgerFixture t, UserId user) throws SQLException {
        try (var statement = connection.prepareStatement(sql)) {
            statement.setObject(1, t.tenant.value());
            statement.setObject(2, user.value());
            statement.executeQuery().close();
        }
    }
}

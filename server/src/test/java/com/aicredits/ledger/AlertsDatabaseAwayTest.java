package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.directory.Role;
import com.aicredits.notifications.Notifications;
import com.aicredits.shared.UserId;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The alert checks queued by changes, while the database is away (as during a failover): a run stops at the first
 * check it cannot make, instead of waiting for a connection once per queued check, and keeps them all for when the
 * database is back, instead of dropping each.
 */
@TestApplication
@ExtendWith(OutputCaptureExtension.class)
class AlertsDatabaseAwayTest {

    private static final String WAITING = "Alert checks wait for the database";

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired Notifications notifications;
    @Autowired Alerts alerts;
    @Autowired HikariDataSource dataSource;

    @Test
    void checks_queued_while_the_database_is_away_wait_for_it_and_are_all_made_once_it_is_back(CapturedOutput output)
            throws SQLException {
        var admins = new LinkedHashMap<LedgerFixture, UserId>();
        // The scheduled run waits for this test's: what the charges queue is still queued when the database goes.
        synchronized (alerts) {
            for (int i = 0; i < 3; i++) {
                var t = new LedgerFixture(ledger, directory).purchased("100");
                admins.put(t, t.user("Away Admin " + i, Role.Admin));
                var planner = t.user("Away Planner " + i);
                t.assigned(planner, "100");
                t.charged(planner, "95"); // available 5 of 100 purchased: below the default 10 %
            }
            try (var away = Unreachable.take(dataSource)) {
                alerts.check();
            }
            // Still holding the lock: the scheduled run, waiting for it, would make the queued checks at once.
            admins.forEach((t, admin) -> assertThat(poolLow(t, admin)).as("before the database is back").isZero());
        }
        assertThat(output.getAll().split(WAITING, -1)).as("one wait for a connection, not one per queued check")
                .hasSize(2);
        assertThat(output.getAll()).doesNotContain("Could not record an alert");

        alerts.check();
        admins.forEach((t, admin) -> assertThat(poolLow(t, admin)).as("each tenant's admin, once").isEqualTo(1));
    }

    /**
     * The service's database out of its reach: no new connection to it, and the pool's idle ones closed (those in use
     * when it was taken are closed as they come back), so the pool waits its connection timeout and fails, as when
     * PostgreSQL is down. Ending the connections in PostgreSQL instead left broken ones in the pool for the tests after.
     */
    private record Unreachable(Connection admin, String database) implements AutoCloseable {

        static Unreachable take(HikariDataSource dataSource) throws SQLException {
            String database;
            try (var service = dataSource.getConnection()) {
                database = service.getCatalog();
            }
            // PostgreSQL takes connections away from a database only from another one.
            var admin = DriverManager.getConnection(dataSource.getJdbcUrl().replaceFirst("/[^/?]+(?=\\?|$)", "/template1"),
                    dataSource.getUsername(), dataSource.getPassword());
            try (var statement = admin.createStatement()) {
                var away = new Unreachable(admin, statement.enquoteIdentifier(database, true));
                statement.execute("alter database " + away.database + " allow_connections false");
                dataSource.getHikariPoolMXBean().softEvictConnections();
                return away;
            }
        }

        @Override
        public void close() throws SQLException {
            try (admin; var statement = admin.createStatement()) {
                statement.execute("alter database " + database + " allow_connections true");
            }
        }
    }

    private long poolLow(LedgerFixture t, UserId admin) {
        return notifications.inbox(t.tenant, admin, false).items().stream()
                .filter(n -> n.type().equals(AlertRaised.POOL_LOW)).count();
    }
}

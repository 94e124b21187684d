package com.aicredits.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * Hands out a standby connection only when the standby has caught up with the primary as it was a moment ago:
 * the primary's current WAL position is read first, then the standby's replay position is compared with it
 * (polled for up to {@code maxWait}: a synchronous standby is usually a few milliseconds behind under load).
 * Otherwise, or when the standby cannot be reached, it hands out a primary connection. Counted in the
 * {@code aicredits.reads} meter, tagged with where each read went.
 */
final class FreshStandby extends AbstractDataSource {

    private static final Logger log = LoggerFactory.getLogger(FreshStandby.class);
    private static final long POLL_NANOS = Duration.ofMillis(2).toNanos();

    private final DataSource primary;
    private final DataSource standby;
    private final long maxWaitNanos;
    private final Counter onStandby;
    private final Counter onPrimary;

    FreshStandby(DataSource primary, DataSource standby, Duration maxWait, MeterRegistry meters) {
        this.primary = primary;
        this.standby = standby;
        this.maxWaitNanos = maxWait.toNanos();
        this.onStandby = Counter.builder("aicredits.reads").tag("on", "standby")
                .description("Heavy admin reads, by the server that answered them").register(meters);
        this.onPrimary = Counter.builder("aicredits.reads").tag("on", "primary")
                .description("Heavy admin reads, by the server that answered them").register(meters);
    }

    @Override
    public Connection getConnection() throws SQLException {
        String primaryPosition = primaryPosition();
        long deadline = System.nanoTime() + maxWaitNanos;
        Connection connection = null;
        try {
            connection = standby.getConnection();
            while (!caughtUp(connection, primaryPosition)) {
                if (System.nanoTime() > deadline) {
                    connection.close();
                    onPrimary.increment();
                    return primary.getConnection();
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
            onStandby.increment();
            return connection;
        } catch (SQLException e) {
            log.debug("The standby could not serve a read; the primary does: {}", e.getMessage());
            if (connection != null) {
                connection.close();
            }
            onPrimary.increment();
            return primary.getConnection();
        }
    }

    private String primaryPosition() throws SQLException {
        try (var connection = primary.getConnection(); var statement = connection.createStatement();
                var rs = statement.executeQuery("select pg_current_wal_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A server that is not in recovery is a primary (the only one the failover manager allows): current by definition. */
    private static boolean caughtUp(Connection standby, String position) throws SQLException {
        try (var statement = standby.prepareStatement(
                "select not pg_is_in_recovery() or pg_last_wal_replay_lsn() >= ?::pg_lsn")) {
            statement.setString(1, position);
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLException("the standby reads use the pool's own credentials");
    }
}

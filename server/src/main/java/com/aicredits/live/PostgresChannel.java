package com.aicredits.live;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL LISTEN/NOTIFY channel shared by every instance of the service on one database: what one
 * instance publishes, every instance (itself included) hears. Publishing borrows a pooled connection;
 * listening holds its own connection outside the pool, on a daemon thread, and reconnects when the database
 * comes back. Notifications sent while it was disconnected are lost, so a reconnect is reported and the
 * receiver catches up.
 */
final class PostgresChannel {

    private static final Logger log = LoggerFactory.getLogger(PostgresChannel.class);
    /** How long one wait for notifications blocks; it bounds how long a stop takes to be noticed. */
    private static final int POLL_MILLIS = 500;

    private final HikariDataSource dataSource;
    private final String name;
    private volatile boolean listening;

    PostgresChannel(HikariDataSource dataSource, String name) {
        this.dataSource = dataSource;
        this.name = name;
    }

    /** Sends each message to every listener, in one round trip. */
    void publish(List<String> messages) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                var notify = connection.prepareStatement("select pg_notify(?, message) from unnest(?) message")) {
            notify.setString(1, name);
            notify.setArray(2, connection.createArrayOf("text", messages.toArray()));
            notify.execute();
        }
    }

    /** Starts listening; {@code onMessage} runs on the listening thread, {@code onReconnect} after an outage. */
    void listen(Consumer<String> onMessage, Runnable onReconnect) {
        listening = true;
        Thread.ofPlatform().daemon().name("live-" + name).start(() -> {
            boolean reconnect = false;
            while (listening) {
                try (Connection connection = connect(); var statement = connection.createStatement()) {
                    statement.execute("listen " + name);
                    if (reconnect) {
                        log.info("Live updates are listening to the database again");
                        onReconnect.run();
                    }
                    var notifications = connection.unwrap(PGConnection.class);
                    while (listening) {
                        PGNotification[] received = notifications.getNotifications(POLL_MILLIS);
                        if (received != null) {
                            for (var notification : received) {
                                onMessage.accept(notification.getParameter());
                            }
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    if (listening) {
                        if (!reconnect) {
                            log.warn("Live updates lost the database ({}); reconnecting every second", e.getMessage());
                        }
                        reconnect = true;
                        pause();
                    }
                }
            }
        });
    }

    void close() {
        listening = false;
    }

    private Connection connect() throws SQLException {
        var properties = new Properties();
        properties.setProperty("user", dataSource.getUsername());
        if (dataSource.getPassword() != null) {
            properties.setProperty("password", dataSource.getPassword());
        }
        // A peer that vanishes without closing the socket (a network partition) is noticed by keep-alives.
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "aicredits-live");
        return DriverManager.getConnection(dataSource.getJdbcUrl(), properties);
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

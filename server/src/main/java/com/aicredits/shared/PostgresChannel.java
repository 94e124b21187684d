package com.aicredits.shared;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.core.BaseConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL LISTEN/NOTIFY channel shared by every instance of the service on one database: what one
 * instance publishes, every instance (itself included) hears. Publishing borrows a pooled connection (or is a
 * {@code pg_notify} in the publisher's own statement, delivered on its commit); listening holds its own
 * connection outside the pool, on a daemon thread, and reconnects when the database comes back. Notifications
 * sent while it was disconnected are lost, so a reconnect is reported and the receiver catches up.
 *
 * <p>The listener also proves, a few times a second, that it is still hearing: a round trip on its connection
 * comes back only after every notification committed before it was sent ({@link #caughtUpWithin}). A receiver
 * that must not act on stale knowledge (the API-key cache) asks that before trusting what it heard.
 */
public final class PostgresChannel {

    private static final Logger log = LoggerFactory.getLogger(PostgresChannel.class);
    /** How long one wait for notifications blocks; it bounds how long a stop, or a proof of hearing, waits. */
    private static final int POLL_MILLIS = 200;
    /** A listening connection whose round trip takes longer than this is given up and reopened. */
    private static final int SOCKET_TIMEOUT_SECONDS = 5;

    private final HikariDataSource dataSource;
    private final String name;
    /**
     * The listening thread's own token, cleared by {@link #close}: a thread listens while the token is its own. A
     * plain flag let the thread of a channel closed and at once listened to again (Spring stops and starts a context's
     * beans) see it set again and go on beside the new one, every message then delivered twice.
     */
    private final AtomicReference<Object> listener = new AtomicReference<>();
    /** System.nanoTime() at which the last round trip that came back started; every notice before it was heard. */
    private volatile long caughtUpAt = System.nanoTime() - Duration.ofDays(1).toNanos();

    public PostgresChannel(HikariDataSource dataSource, String name) {
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("a channel name is lower-case letters and underscores: " + name);
        }
        this.dataSource = dataSource;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Sends each message to every listener, in one round trip. */
    public void publish(List<String> messages) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                var notify = connection.prepareStatement("select pg_notify(?, message) from unnest(?) message")) {
            notify.setString(1, name);
            notify.setArray(2, connection.createArrayOf("text", messages.toArray()));
            notify.execute();
        }
    }

    /** Starts listening; {@code onMessage} runs on the listening thread, {@code onReconnect} after an outage. */
    public void listen(Consumer<String> onMessage, Runnable onReconnect) {
        var mine = new Object();
        listener.set(mine);
        BooleanSupplier listening = () -> listener.get() == mine;
        Thread.ofPlatform().daemon().name("listen-" + name).start(() -> {
            boolean reconnect = false;
            boolean connected = false;
            while (listening.getAsBoolean()) {
                try (Connection connection = connect(); var statement = connection.createStatement()) {
                    statement.execute("listen " + name);
                    connected = true;
                    if (reconnect) {
                        log.info("Listening to the database's {} channel again, on {}", name, server(connection));
                        onReconnect.run();
                    }
                    var notifications = connection.unwrap(PGConnection.class);
                    while (listening.getAsBoolean()) {
                        deliver(notifications.getNotifications(POLL_MILLIS), onMessage);
                        long sent = System.nanoTime();
                        statement.execute("select 1");
                        // Whatever was committed before the round trip started arrived before its answer.
                        deliver(notifications.getNotifications(), onMessage);
                        caughtUpAt = sent;
                    }
                } catch (SQLException | RuntimeException e) {
                    if (listening.getAsBoolean()) {
                        // Said once per outage (the first, or the loss of a connection that listened), not each second.
                        if (connected || !reconnect) {
                            log.warn("The {} channel lost the database ({}); reconnecting every second", name, e.getMessage());
                        }
                        connected = false;
                        reconnect = true;
                        pause();
                    }
                }
            }
        });
    }

    /**
     * True if every notification committed more than {@code staleness} ago has been handed to the listener:
     * false while the listening connection is down or stalled, and before it first connected.
     */
    public boolean caughtUpWithin(Duration staleness) {
        return System.nanoTime() - caughtUpAt < staleness.toNanos();
    }

    public void close() {
        listener.set(null);
    }

    private void deliver(PGNotification[] received, Consumer<String> onMessage) {
        if (received != null) {
            for (var notification : received) {
                try {
                    onMessage.accept(notification.getParameter());
                } catch (RuntimeException e) {
                    // The receiver's failure, not the connection's: taken for one, it dropped the rest of the
                    // messages and sent every page a refresh of everything after a reconnect.
                    log.warn("The {} channel's receiver failed on a message", name, e);
                }
            }
        }
    }

    private Connection connect() throws SQLException {
        var properties = new Properties();
        properties.setProperty("user", dataSource.getUsername());
        if (dataSource.getPassword() != null) {
            properties.setProperty("password", dataSource.getPassword());
        }
        // A peer that vanishes without closing the socket (a network partition) is noticed by keep-alives, and
        // a round trip that does not come back in time ends the connection (the loop reconnects).
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
        properties.setProperty("ApplicationName", name.replace('_', '-'));
        return DriverManager.getConnection(dataSource.getJdbcUrl(), properties);
    }

    /** Which server of a multi-host URL the connection found, for the log. */
    private static String server(Connection connection) {
        try {
            return connection.unwrap(BaseConnection.class).getQueryExecutor().getHostSpec().toString();
        } catch (SQLException e) {
            return "the database";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

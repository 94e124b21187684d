package com.aicredits.storage;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts PostgreSQL 18 inside the application when no {@code spring.datasource.url} is given, so a
 * fresh clone runs with one command on the same engine as production. Its data directory persists
 * across restarts unless {@code aicredits.embedded-postgres.ephemeral} is set (the tests do).
 *
 * <p>A persistent cluster runs durably (fsync and synchronous commit on, which the embedded library turns
 * off by default): an acknowledged credit operation must survive a crash of the machine, not only of the
 * service. The throw-away test clusters keep the fast settings.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);
    private static final String DATABASE = "aicredits";

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(
            @Value("${aicredits.data-dir:./data}") Path dataDir,
            @Value("${aicredits.embedded-postgres.port:0}") int port,
            @Value("${aicredits.embedded-postgres.ephemeral:false}") boolean ephemeral,
            @Value("${aicredits.embedded-postgres.max-prepared-transactions:0}") int maxPreparedTransactions)
            throws IOException {
        var builder = EmbeddedPostgres.builder()
                .setServerConfig("max_connections", "300")
                .setServerConfig("max_prepared_transactions", Integer.toString(maxPreparedTransactions))
                .setServerConfig("shared_buffers", "256MB")
                .setServerConfig("unix_socket_directories", "");
        if (ephemeral) {
            // A fresh cluster in the temp directory, deleted on close: tests never see old data.
            builder.setCleanDataDirectory(true);
        } else {
            Path pgData = dataDir.resolve("postgres").toAbsolutePath();
            Files.createDirectories(pgData);
            stopOrphanedPostgres(pgData);
            // Stopped by this bean's close, last, not by the library's own JVM shutdown hook: that hook runs beside
            // Spring's, so at a SIGTERM the database went down while the graceful shutdown still served requests (and
            // the event streams it ends, which read the session once more). A JVM that exits without closing
            // Spring leaves it running, and the next start stops it (stopOrphanedPostgres).
            builder.setDataDirectory(pgData).setCleanDataDirectory(false).setRegisterShutdownHook(false)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on");
        }
        if (port > 0) {
            // Checked once an orphan left on our data directory, perhaps on this very port, has been stopped.
            refuseATakenPort(port);
            builder.setPort(port);
        }
        EmbeddedPostgres postgres = builder.start();
        createDatabaseIfMissing(postgres);
        log.info("Embedded PostgreSQL is listening on localhost:{} (database {}, user postgres)",
                postgres.getPort(), DATABASE);
        return postgres;
    }

    /** The pool takes the same {@code spring.datasource.hikari.*} settings as with an external database. */
    @Bean(destroyMethod = "close")
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(EmbeddedPostgres postgres) {
        // Not started here: the properties are bound after this method returns, and a started pool is sealed.
        var dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", DATABASE));
        dataSource.setUsername("postgres");
        dataSource.setPoolName("aicredits");
        return dataSource;
    }

    /**
     * PostgreSQL's own complaint about a port in use goes to its output, which is not logged; the embedded library
     * then waits 10 s and says only that it gave up waiting. Said at once and plainly instead.
     */
    static void refuseATakenPort(int port) {
        try (var probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as PostgreSQL binds: a port left in TIME_WAIT is free to it
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("Port " + port + " (aicredits.embedded-postgres.port) is already in use: "
                    + "give the embedded PostgreSQL a free port, or 0 to let it choose one", e);
        }
    }

    /**
     * A service killed without shutting down (SIGKILL, the OOM killer) leaves its PostgreSQL running on the
     * data directory, and the next start would fail on it. The embedded library holds a file lock on the
     * directory while it owns the server; the lock dies with its JVM, so a lock we can take over a running
     * postmaster means nobody owns it any more, and it is stopped (a smart shutdown: its clients are gone).
     * A lock we cannot take means another live service uses the directory: refuse rather than share it.
     */
    static void stopOrphanedPostgres(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try (var channel = FileChannel.open(pgData.resolve("epg-lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                var lock = channel.tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("Another running AI Credits service uses " + pgData
                        + "; give this one its own aicredits.data-dir");
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().trim());
            var postmaster = ProcessHandle.of(pid).filter(p -> p.info().command().orElse("").endsWith("/postgres"));
            if (postmaster.isPresent()) {
                log.warn("Stopping the PostgreSQL (pid {}) that a previous run left on {}", pid, pgData);
                postmaster.get().destroy();
                try {
                    postmaster.get().onExit().get(30, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("The PostgreSQL left on " + pgData + " (pid " + pid
                            + ") did not stop within 30 s; stop it and start again", e);
                } catch (Exception e) {
                    throw new IllegalStateException("Interrupted while stopping PostgreSQL pid " + pid, e);
                }
            }
        }
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres postgres) {
        DataSource admin = postgres.getPostgresDatabase();
        try (var connection = admin.getConnection();
                var exists = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, DATABASE);
            try (var rs = exists.executeQuery()) {
                if (!rs.next()) {
                    try (var create = connection.createStatement()) {
                        create.execute("create database " + DATABASE);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the " + DATABASE + " database", e);
        }
    }
}

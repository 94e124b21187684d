package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL the service under test connects to as an external database: started by the test on a fixed
 * data directory and port, so it can be stopped the hard way and started again on the same data, as an
 * operator's restart would.
 */
final class Database implements PostgresServer {

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres postgres;

    private Database(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /** A new cluster in {@code dir}. */
    static Database create(Path dir) {
        var database = new Database(dir.toAbsolutePath(), FreePort.find());
        database.start();
        return database;
    }

    @Override
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /**
     * PostgreSQL's immediate shutdown (what {@code pg_ctl stop -m immediate} sends): SIGQUIT to the postmaster,
     * which ends every backend at once, without a checkpoint; the next start recovers from the WAL. Returns when
     * the postmaster is gone.
     */
    void stopImmediately() {
        long pid = postmasterPid();
        signal("QUIT", pid);
        var postmaster = ProcessHandle.of(pid);
        if (postmaster.isPresent()) {
            try {
                postmaster.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("PostgreSQL (pid " + pid + ") did not stop after SIGQUIT", e);
            }
        }
        // The stopped instance still holds zonky's lock on the data directory; closing it releases the lock
        // (its own stop attempt finds no server and only logs that).
        closeQuietly();
    }

    /** Starts PostgreSQL again on the same data directory and port, with crash recovery if it was stopped hard. */
    void start() {
        try {
            Files.createDirectories(dataDir);
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // zonky turns this off for speed; a commit must be on disk before it is acknowledged, or an
                    // immediate stop loses acknowledged operations (which these tests then report).
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("unix_socket_directories", "")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL in " + dataDir, e);
        }
    }

    private long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().strip());
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL is not running in " + dataDir, e);
        }
    }

    static void signal(String signal, long pid) {
        try {
            var kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0)
                    .as("kill -%s %d", signal, pid).isTrue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void closeQuietly() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
            postgres = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}

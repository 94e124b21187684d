package com.aicredits.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A PostgreSQL 15 cluster (Debian's binaries, run by pg_ctl) that archives its WAL to a directory, as point-in-time
 * recovery needs: base backups can be taken from it under load, and {@link #restore} makes a new cluster from one,
 * replaying the archive up to a named restore point.
 */
final class ArchivingDatabase implements PostgresServer {

    private final PgPrograms programs;
    private final Path data;
    private final Path archive;
    private final int port;

    private ArchivingDatabase(PgPrograms programs, Path data, Path archive, int port) {
        this.programs = programs;
        this.data = data;
        this.archive = archive;
        this.port = port;
    }

    /** A new cluster in {@code dir}/data archiving to {@code dir}/archive, started. */
    static ArchivingDatabase create(Path dir) {
        var programs = new PgPrograms(dir);
        var database = new ArchivingDatabase(programs, dir.toAbsolutePath().resolve("data"),
                dir.toAbsolutePath().resolve("archive"), FreePort.find());
        programs.run("mkdir", "-p", database.archive.toString());
        programs.run("initdb", "-D", database.data.toString(), "-U", "postgres", "--auth=trust", "--no-sync");
        database.configure("""
                wal_level = replica
                archive_mode = on
                archive_command = 'test ! -f %1$s/%%f && cp %%p %1$s/%%f'
                """.formatted(database.archive));
        database.start();
        return database;
    }

    /**
     * A new cluster in {@code dir} from {@code baseBackup}, recovered from {@code archive} up to the restore point
     * {@code target} and promoted: the database exactly as it stood at that point.
     */
    static ArchivingDatabase restore(Path baseBackup, Path archive, String target, Path dir) {
        var programs = new PgPrograms(dir);
        var restored = new ArchivingDatabase(programs, dir.toAbsolutePath().resolve("data"), archive, FreePort.find());
        programs.run("cp", "-a", baseBackup.toAbsolutePath() + "/.", restored.data.toString());
        restored.configure("""
                archive_mode = off
                restore_command = 'cp %s/%%f %%p'
                recovery_target_name = '%s'
                recovery_target_action = 'promote'
                """.formatted(archive, target));
        programs.run("touch", restored.data.resolve("recovery.signal").toString());
        restored.start();
        restored.awaitPromoted();
        return restored;
    }

    /** A base backup of the running cluster into {@code target} (a fast checkpoint, the WAL it needs streamed along). */
    void baseBackup(Path target) {
        programs.run("pg_basebackup", "-h", "localhost", "-p", Integer.toString(port), "-U", "postgres",
                "-D", target.toAbsolutePath().toString(), "-X", "stream", "-c", "fast", "--no-sync");
    }

    /**
     * A hot standby of this cluster in {@code dir} on {@code port}, streaming from it (a base backup with
     * {@code -R}), started; {@link #replay} pauses and resumes its replay.
     */
    ArchivingDatabase standby(Path dir, int port) {
        var programs = new PgPrograms(dir);
        var standby = new ArchivingDatabase(programs, dir.toAbsolutePath().resolve("data"), archive, port);
        programs.run("pg_basebackup", "-h", "localhost", "-p", Integer.toString(this.port), "-U", "postgres",
                "-D", standby.data.toString(), "-X", "stream", "-c", "fast", "--no-sync", "-R");
        standby.configure("""
                archive_mode = off
                hot_standby = on
                """);
        standby.start();
        return standby;
    }

    /**
     * On a standby: pauses ({@code false}) or resumes ({@code true}) the replay of the primary's WAL. A pause returns
     * once replay has stopped: {@code pg_wal_replay_pause()} only asks for it, and replay goes on until the startup
     * process next looks.
     */
    void replay(boolean running) throws SQLException {
        try (var db = connect(); var statement = db.createStatement()) {
            if (running) {
                statement.execute("select pg_wal_replay_resume()");
                return;
            }
            statement.execute("select pg_wal_replay_pause()");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!paused(statement)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the standby's replay did not pause within 10 s");
                }
                ServiceProcess.pause(Duration.ofMillis(10));
            }
        }
    }

    private static boolean paused(Statement statement) throws SQLException {
        try (var rs = statement.executeQuery("select pg_get_wal_replay_pause_state()")) {
            rs.next();
            return rs.getString(1).equals("paused");
        }
    }

    /** Names the current point in the WAL and has the segment holding it archived; returns when it is. */
    void restorePoint(String name) throws SQLException {
        try (var db = connect(); var statement = db.prepareStatement("select pg_create_restore_point(?)")) {
            statement.setString(1, name);
            statement.execute();
            String segment;
            try (var rs = db.createStatement().executeQuery("select pg_walfile_name(pg_switch_wal())")) {
                rs.next();
                segment = rs.getString(1);
            }
            while (!Files.exists(archive.resolve(segment))) {
                ServiceProcess.pause(Duration.ofMillis(100));
            }
        }
    }

    Path archive() {
        return archive;
    }

    @Override
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    private void configure(String settings) {
        try {
            Files.writeString(data.resolve("postgresql.conf"), """

                    port = %d
                    listen_addresses = 'localhost'
                    unix_socket_directories = ''
                    max_connections = 200
                    synchronous_commit = on
                    %s""".formatted(port, settings), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** pg_ctl start, waiting until it accepts connections (after a recovery: once promoted). */
    private void start() {
        programs.run("pg_ctl", "-D", data.toString(), "-l", data.resolveSibling("postgres.log").toString(), "-w",
                "-t", "120", "start");
    }

    /** pg_ctl returns once connections are accepted, which a recovering server does before it reaches its target. */
    private void awaitPromoted() {
        var deadline = java.time.Instant.now().plusSeconds(120);
        while (true) {
            try (var db = connect(); var rs = db.createStatement().executeQuery("select pg_is_in_recovery()")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return;
                }
            } catch (SQLException e) {
                // still starting
            }
            if (java.time.Instant.now().isAfter(deadline)) {
                throw new AssertionError("the restored cluster did not finish its recovery within 120 s: see " + data.resolveSibling("postgres.log"));
            }
            ServiceProcess.pause(Duration.ofMillis(200));
        }
    }

    @Override
    public void close() {
        try {
            programs.run("pg_ctl", "-D", data.toString(), "-m", "immediate", "stop");
        } catch (AssertionError e) {
            // not running
        }
    }
}

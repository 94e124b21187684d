package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's PostgreSQL 15 programs (pg_ctl, pg_basebackup, pg_autoctl), run for a test in a directory of its own.
 * PostgreSQL refuses to run as root: as root, every program runs as the {@code postgres} user, which Debian's
 * packages create, and the test's directory is handed to it first.
 */
final class PgPrograms {

    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final Duration WITHIN = Duration.ofSeconds(120);

    private final Path dir;

    /** {@code dir}: the test's directory; the programs' output goes to {@code commands.log} in it. */
    PgPrograms(Path dir) {
        this.dir = dir.toAbsolutePath();
        try {
            java.nio.file.Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (asRoot()) {
            run(List.of("chown", "-R", "postgres:postgres", this.dir.toString()));
        }
    }

    /** Runs the program as the postgres user and waits for it; fails the test when it fails. */
    void run(String program, String... args) {
        var command = new ArrayList<>(asPostgres());
        command.add(program);
        command.addAll(List.of(args));
        run(command);
    }

    /** Starts the program as the postgres user in a session of its own (so it can be killed with all it started). */
    Process startInOwnSession(Path log, String program, String... args) {
        var command = new ArrayList<>(List.of("setsid"));
        command.addAll(asPostgres());
        command.add(program);
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL to every process of the session the given process leads. */
    static void killSession(Process leader) {
        try {
            new ProcessBuilder("pkill", "-KILL", "-s", Long.toString(leader.pid())).start().waitFor(10, TimeUnit.SECONDS);
            leader.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // nothing left to kill
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * As the postgres user when root, with the PostgreSQL binaries first on the PATH. pg_autoctl keeps its
     * configuration, state and pid files under the XDG directories, by data directory path: in the test's
     * directory, an earlier run's files cannot be taken for this run's.
     */
    private List<String> asPostgres() {
        var command = new ArrayList<String>();
        if (asRoot()) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.addAll(List.of("env", "PATH=" + BIN + ":/usr/bin:/bin", "XDG_RUNTIME_DIR=" + dir.resolve("run"),
                "XDG_CONFIG_HOME=" + dir.resolve("config"), "XDG_DATA_HOME=" + dir.resolve("share"), "PG_AUTOCTL_DEBUG=0"));
        return command;
    }

    private void run(List<String> command) {
        try {
            var process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("commands.log").toFile())).start();
            assertThat(process.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS) && process.exitValue() == 0)
                    .as("%s (see %s)", String.join(" ", command), dir.resolve("commands.log")).isTrue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}

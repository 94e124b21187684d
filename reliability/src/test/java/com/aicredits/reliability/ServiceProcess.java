package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server (the repackaged jar, as operators run it) as a separate process on a fixed port, so it
 * can be killed and started again while clients keep their address. Each start appends its output to one
 * log file under target/faults, which is where to look when a test fails.
 */
final class ServiceProcess implements AutoCloseable {

    /** Long enough for a start on a busy two-core machine, short enough that a hung start fails the test. */
    private static final Duration READY_WITHIN = Duration.ofSeconds(120);

    private final Path jar = serverJar();
    private final Path log;
    /** Beside the log, so one per test: two tests run at once, and a start could map an archive being written. */
    private final Path classDataArchive;
    private final int port;
    private final String platformKey = "platform-" + UUID.randomUUID();
    private final List<String> environment;
    private final List<String> settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int starts;

    /** {@code settings}: extra {@code --name=value} arguments, e.g. a short hold time-to-live. */
    ServiceProcess(Path log, PostgresServer database, List<String> settings) {
        this.log = log;
        this.classDataArchive = log.toAbsolutePath().resolveSibling("server.jsa");
        this.port = FreePort.find();
        this.environment = List.of("SPRING_DATASOURCE_URL=" + database.jdbcUrl(), "SPRING_DATASOURCE_USERNAME=postgres",
                "AICREDITS_PLATFORM_API_KEY=" + platformKey);
        this.settings = List.copyOf(settings);
    }

    URI uri() {
        return URI.create("http://localhost:" + port);
    }

    String platformKey() {
        return platformKey;
    }

    /** Starts the service and waits until it is ready (its readiness includes the database). */
    void start() {
        assertThat(process == null || !process.isAlive()).as("the service is already running").isTrue();
        var command = new ArrayList<String>();
        // The JVM running these tests is the JDK the build selected (>= 21); the shell's java may be older.
        command.add(ProcessHandle.current().info().command().orElseThrow());
        // Starts dominate these tests' time on two cores: the client compiler only, and a class-data archive that
        // the first clean exit writes and later starts map (the JVM rebuilds it, without logging about it, when the
        // jar changes).
        command.addAll(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+AutoCreateSharedArchive",
                "-XX:SharedArchiveFile=" + classDataArchive, "-Xlog:cds=off", "-jar", jar.toString(),
                "--server.port=" + port));
        command.addAll(settings);
        var builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        for (String variable : environment) {
            String[] nameAndValue = variable.split("=", 2);
            builder.environment().put(nameAndValue[0], nameAndValue[1]);
        }
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "%n===== start %d at %s: %s%n".formatted(++starts, Instant.now(), command),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady();
    }

    /** SIGKILL: no shutdown hook, no draining, connections cut mid-request. */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** SIGTERM: the graceful shutdown an orchestrator asks for. */
    void terminate() {
        process.destroy();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Waits for the process to end; returns its exit code. */
    int awaitExit(Duration within) {
        try {
            assertThat(process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS))
                    .as("the service exits within %s (log: %s)", within, log).isTrue();
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void awaitReady() {
        Instant deadline = Instant.now().plus(READY_WITHIN);
        while (Instant.now().isBefore(deadline)) {
            assertThat(process.isAlive()).as("the service is running (log: %s)", log).isTrue();
            if (probe("/actuator/health/readiness") == 200) {
                return;
            }
            pause(Duration.ofMillis(100));
        }
        throw new AssertionError("the service was not ready within " + READY_WITHIN + " (log: " + log + ")");
    }

    /** The status of a GET, or 0 when nothing answered. */
    int probe(String path) {
        try {
            return http.send(HttpRequest.newBuilder(uri().resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    int starts() {
        return starts;
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        if (isAlive()) {
            terminate();
            if (!waitQuietly(Duration.ofSeconds(40))) {
                process.destroyForcibly();
                waitQuietly(Duration.ofSeconds(10));
            }
        }
    }

    private boolean waitQuietly(Duration within) {
        try {
            return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path serverJar() {
        String configured = System.getProperty("faults.server.jar");
        assertThat(configured).as("system property faults.server.jar (set by the reliability module's pom)").isNotBlank();
        Path jar = Path.of(configured).toAbsolutePath().normalize();
        assertThat(Files.isRegularFile(jar))
                .as("the server jar %s exists: build the server first, e.g. ./mvnw verify or "
                        + "./mvnw -pl reliability -am verify (it is packaged before this module's tests run)", jar)
                .isTrue();
        return jar;
    }
}

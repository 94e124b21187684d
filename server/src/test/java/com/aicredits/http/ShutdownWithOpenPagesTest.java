package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.AiCreditsApplication;
import com.aicredits.ApiClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SIGTERM while admins have pages open, on the service's own embedded PostgreSQL (the demo, a development set-up).
 * The embedded PostgreSQL's library stopped the database from a JVM shutdown hook of its own, which runs beside
 * Spring's: the database went down at the signal, while the graceful shutdown was still ending the pages' event
 * streams (each runs through the session filter once more) and waiting for requests in flight. Every stop logged an
 * ERROR ("terminating connection due to administrator command") and a warning per pooled connection.
 */
class ShutdownWithOpenPagesTest {

    @TempDir Path dataDir;

    @Test
    void a_sigterm_with_pages_open_stops_the_database_last_and_logs_no_error() throws Exception {
        int port;
        try (var free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path log = dataDir.resolve("service.log");
        Process service = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), AiCreditsApplication.class.getName(),
                "--aicredits.data-dir=" + dataDir, "--server.port=" + port,
                "--server.servlet.session.cookie.secure=false",
                "--aicredits.platform-api-key=" + HttpFixture.PLATFORM_KEY,
                "--aicredits.passwords.bcrypt-strength=4")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long postgres = -1;
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!Files.readString(log).contains("Started AiCreditsApplication") && System.nanoTime() < deadline
                    && service.isAlive()) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(log)).as("the service in the child JVM started").contains("Started AiCreditsApplication");
            postgres = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).getFirst().trim());

            var tenant = new HttpFixture(port);
            tenant.user("Ada Admin", "Admin");
            tenant.user("Bob Admin", "Admin");
            String live = "/app/tenants/" + tenant.tenant + "/live";
            ApiClient.session(port, tenant.email("Ada Admin"), HttpFixture.PASSWORD).events(live);
            ApiClient.session(port, tenant.email("Bob Admin"), HttpFixture.PASSWORD).events(live);
            int before = Files.readString(log).length();

            service.destroy();
            assertThat(service.waitFor(60, TimeUnit.SECONDS)).as("the service exited").isTrue();
            assertThat(Files.readString(log).substring(before).lines())
                    .as("logged after SIGTERM").noneMatch(l -> l.contains(" ERROR ") || l.contains(" WARN "));
            // Stopped by the service's shutdown (pg_ctl stop), not left running: moments after the JVM has gone at most.
            var stillRunning = ProcessHandle.of(postgres);
            if (stillRunning.isPresent()) {
                stillRunning.get().onExit().get(10, TimeUnit.SECONDS);
            }
        } finally {
            service.destroyForcibly();
            ProcessHandle.of(postgres).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}

package com.aicredits.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aicredits.AiCreditsApplication;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

class EmbeddedPostgresTest {

    @TempDir Path dataDir;

    private ConfigurableApplicationContext start(String... more) {
        var args = new ArrayList<>(List.of("--aicredits.data-dir=" + dataDir,
                "--aicredits.ledger.sweeper.enabled=false", "--logging.level.root=WARN"));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(AiCreditsApplication.class).web(WebApplicationType.NONE)
                .run(args.toArray(String[]::new));
    }

    @Test
    void with_no_database_configured_the_data_persists_under_the_data_directory_across_restarts() {
        String name = "Persisted " + UUID.randomUUID();
        try (var first = start()) {
            first.getBean(JdbcClient.class).sql("insert into tenants (id, name, created_at) values (gen_random_uuid(), ?, now())")
                    .param(name).update();
        }
        assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();

        try (var second = start()) {
            assertThat(second.getBean(JdbcClient.class).sql("select count(*) from tenants where name = ?").param(name)
                    .query(Long.class).single()).isEqualTo(1);
            assertThat(second.getBean(JdbcClient.class).sql("select version()").query(String.class).single())
                    .startsWith("PostgreSQL 18");
        }
    }

    @Test
    void a_port_in_use_is_refused_at_once_and_named() throws Exception {
        int port;
        try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedPostgresConfiguration.refuseATakenPort(port))
                    .hasMessageContaining("Port " + port + " (aicredits.embedded-postgres.port) is already in use");
        }
        assertThatCode(() -> EmbeddedPostgresConfiguration.refuseATakenPort(port)).as("the port once free")
                .doesNotThrowAnyException();
    }

    @Test
    void a_service_killed_without_shutdown_leaves_its_postgres_running_and_the_next_start_stops_it() throws Exception {
        // The service in its own JVM, on this data directory, killed as the OOM killer or kill -9 would. On a fixed
        // port, which its orphan still holds when the next start looks at it.
        String port;
        try (var free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = "--aicredits.embedded-postgres.port=" + free.getLocalPort();
        }
        Process service = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), AiCreditsApplication.class.getName(),
                "--aicredits.data-dir=" + dataDir, "--server.port=0", "--aicredits.ledger.sweeper.enabled=false", port)
                .redirectErrorStream(true).start();
        long orphan = -1;
        try {
            try (var output = new BufferedReader(new InputStreamReader(service.getInputStream()))) {
                String line;
                while ((line = output.readLine()) != null && !line.contains("Started AiCreditsApplication")) {
                    // the service logs its start-up; wait for it to finish
                }
                assertThat(line).as("the service in the child JVM started").isNotNull();
                orphan = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).getFirst().trim());
                service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).as("its PostgreSQL outlived it").contains(true);

            try (var restarted = start(port)) {
                assertThat(restarted.getBean(JdbcClient.class).sql("select count(*) from flyway_schema_history")
                        .query(Long.class).single()).isPositive();
            }
            assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        } finally {
            service.destroyForcibly();
            if (orphan > 0) {
                ProcessHandle.of(orphan).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}

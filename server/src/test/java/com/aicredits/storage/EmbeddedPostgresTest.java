package com.aicredits.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.AiCreditsApplication;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

class EmbeddedPostgresTest {

    @TempDir Path dataDir;

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(AiCreditsApplication.class)
                .web(WebApplicationType.NONE)
                .run("--aicredits.data-dir=" + dataDir, "--aicredits.ledger.sweeper.enabled=false",
                        "--logging.level.root=WARN");
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
}

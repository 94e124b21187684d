package com.aicredits.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The heavy admin reads' connections plan every statement for its parameters, while the rest of the service keeps
 * PostgreSQL's plan cache; and every new connection first commits the durable write that makes a restarted primary
 * wait for its standby (docs/operations.md).
 */
@TestApplication
class ReadsPoolTest {

    @Autowired StandbyReads standbyReads;
    @Autowired JdbcClient jdbc;
    @Autowired HikariDataSource primary;
    @Autowired io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void heavy_reads_plan_for_their_parameters_and_the_rest_keeps_cached_plans() {
        assertThat(standbyReads.jdbc().sql("show plan_cache_mode").query(String.class).single()).isEqualTo("force_custom_plan");
        assertThat(jdbc.sql("show plan_cache_mode").query(String.class).single()).isEqualTo("auto");
        assertThat(meters.find("hikaricp.connections.max").tag("pool", "aicredits-reads").gauge())
                .as("the reads pool's size, for operators").isNotNull();
    }

    @Test
    void every_connection_of_the_pool_first_commits_a_durable_write() {
        // What it is for is shown by reliability's UnreplicatedCommitTest; this keeps it from being dropped by a
        // change of the pool's settings.
        assertThat(primary.getConnectionInitSql()).contains("pg_logical_emit_message(true,");
    }
}

package com.aicredits.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Where the heavy admin reads run (the users table, usage and forecast, the exports): on a standby when
 * {@code aicredits.read-replica.url} names one, otherwise on the primary like everything else.
 *
 * <p>A read goes to the standby only once the standby has replayed all the WAL the primary had written when the
 * read began ({@link FreshStandby}), so it sees every change committed before it: an admin sees their own change
 * at once, and the live page's refresh after a change shows it. The staleness is therefore none; the price is two
 * small queries per read, and a read the standby cannot serve within {@code aicredits.read-replica.max-wait}
 * (default 200 ms; a paused or lagging standby, or one that is down) goes to the primary. The consumption path
 * and every write never use this.
 *
 * <p>On the primary these reads have a small pool of their own ({@code aicredits-reads}): heavy admin screens cannot
 * take the connections the consumption path needs, and every connection of it (and of the standby's pool) plans
 * each statement for its own parameters ({@code plan_cache_mode = force_custom_plan}). Why: after a few runs on a
 * connection, PostgreSQL may switch a prepared statement to one generic plan for all tenants, and for the 100,000-user
 * tenant that plan made the usage read take 0.9-4.6 s instead of 15-60 ms (BENCHMARKS.md, session 9). The consumption
 * path keeps its cached plans: its statements are the same whatever the tenant.
 */
@Component
public class StandbyReads implements DisposableBean {

    /** Each statement planned for its parameters: see the class comment. */
    private static final String CUSTOM_PLANS = "set plan_cache_mode = force_custom_plan";
    private static final int READ_CONNECTIONS = 8;

    private final JdbcClient jdbc;
    private final HikariDataSource reads;
    private final HikariDataSource standby;

    StandbyReads(HikariDataSource primary, MeterRegistry meters, @Value("${aicredits.read-replica.url:}") String url,
            @Value("${aicredits.read-replica.username:${spring.datasource.username:postgres}}") String username,
            @Value("${aicredits.read-replica.password:${spring.datasource.password:}}") String password,
            @Value("${aicredits.read-replica.max-wait:200ms}") Duration maxWait) {
        this.reads = readsPool(primary, meters);
        if (url.isBlank()) {
            this.standby = null;
            this.jdbc = JdbcClient.create(reads);
            return;
        }
        this.standby = new HikariDataSource();
        standby.setPoolName("aicredits-standby");
        standby.setJdbcUrl(url);
        standby.setUsername(username);
        standby.setPassword(password);
        standby.setReadOnly(true);
        standby.setMaximumPoolSize(10);
        // A standby that is down must cost a read little before it falls back to the primary, and must not stop
        // the service from starting.
        standby.setConnectionTimeout(1_000);
        standby.setInitializationFailTimeout(-1);
        standby.setConnectionInitSql(CUSTOM_PLANS);
        this.jdbc = JdbcClient.create(new FreshStandby(reads, standby, maxWait, meters));
    }

    /** The primary's pool settings (its durable first write included), a few connections, custom plans. */
    private static HikariDataSource readsPool(HikariDataSource primary, MeterRegistry meters) {
        var config = new HikariConfig();
        primary.copyStateTo(config);
        if (config.getMetricsTrackerFactory() == null && config.getMetricRegistry() == null) {
            config.setMetricRegistry(meters); // hikaricp_* meters with pool="aicredits-reads", beside the main pool's
        }
        config.setPoolName("aicredits-reads");
        config.setMaximumPoolSize(READ_CONNECTIONS);
        config.setMinimumIdle(1);
        String first = primary.getConnectionInitSql();
        config.setConnectionInitSql(first == null || first.isBlank() ? CUSTOM_PLANS : first + "; " + CUSTOM_PLANS);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /** Statements for reads that may run on a standby; never for a write or a read inside a transaction. */
    public JdbcClient jdbc() {
        return jdbc;
    }

    @Override
    public void destroy() {
        reads.close();
        if (standby != null) {
            standby.close();
        }
    }
}

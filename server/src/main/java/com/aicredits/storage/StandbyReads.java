package com.aicredits.storage;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import javax.sql.DataSource;
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
 */
@Component
public class StandbyReads implements DisposableBean {

    private final JdbcClient jdbc;
    private final HikariDataSource standby;

    StandbyReads(DataSource primary, MeterRegistry meters, @Value("${aicredits.read-replica.url:}") String url,
            @Value("${aicredits.read-replica.username:${spring.datasource.username:postgres}}") String username,
            @Value("${aicredits.read-replica.password:${spring.datasource.password:}}") String password,
            @Value("${aicredits.read-replica.max-wait:200ms}") Duration maxWait) {
        if (url.isBlank()) {
            this.standby = null;
            this.jdbc = JdbcClient.create(primary);
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
        this.jdbc = JdbcClient.create(new FreshStandby(primary, standby, maxWait, meters));
    }

    /** Statements for reads that may run on a standby; never for a write or a read inside a transaction. */
    public JdbcClient jdbc() {
        return jdbc;
    }

    @Override
    public void destroy() {
        if (standby != null) {
            standby.close();
        }
    }
}

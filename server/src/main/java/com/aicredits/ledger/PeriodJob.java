package com.aicredits.ledger;

import com.github.kagkarlsson.scheduler.Scheduler;
import java.time.Duration;
import java.util.function.IntConsumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Grants each period at its start. The schedule is db-scheduler's recurring task on PostgreSQL (table
 * scheduled_tasks, V13): every instance runs a scheduler, and an execution runs on the one instance that claimed
 * its row, so the instances do not all grant at once. That is for efficiency only: exactly once per user and
 * period comes from the grant's key (see {@link Allowances}), which holds even if two runs overlap (a run that
 * outlived its heartbeat and was taken over, an operator's manual run) or one dies halfway and is run again.
 *
 * <p>Every run grants whatever is due now, so a run missed at midnight (all instances down) is made up by the
 * next one, for the period running then.
 */
@Component
class PeriodJob implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodJob.class);
    static final String TASK = "allowance-periods";

    private final Ledger ledger;
    private final DataSource dataSource;
    private final boolean enabled;
    private final Duration interval;
    private volatile Scheduler scheduler;

    PeriodJob(Ledger ledger, DataSource dataSource,
            @Value("${aicredits.allowances.job.enabled:true}") boolean enabled,
            @Value("${aicredits.allowances.job.interval:1m}") Duration interval) {
        this.ledger = ledger;
        this.dataSource = dataSource;
        this.enabled = enabled;
        this.interval = interval;
    }

    /** One run: every tenant's due grants, batch by batch. A tenant that fails is logged and left to the next run. */
    GrantTotals run(IntConsumer afterBatch) {
        GrantTotals total = GrantTotals.NONE;
        for (var tenant : ledger.tenantsWithAllowances()) {
            try {
                total = total.plus(ledger.grantDue(tenant, afterBatch));
            } catch (DataAccessException e) {
                log.warn("allowance grants for tenant {} stopped, the next run goes on: {}", tenant, e.getMessage());
            }
        }
        if (total.users() > 0) {
            log.info("allowance period job granted {} credits to {} users ({} short)", total.granted(), total.users(),
                    total.shortfall());
        }
        return total;
    }

    /**
     * A db-scheduler for the period job alone, on the application's database ({@link com.aicredits.shared.RecurringJob}:
     * a month start cut off by a kill is taken over in about 10 seconds, not db-scheduler's default 30 minutes).
     */
    static Scheduler scheduler(DataSource dataSource, Duration interval, Runnable job) {
        return scheduler(dataSource, TASK, interval, job);
    }

    /** The same for another of the ledger's recurring jobs ({@link UsageJob}): its own task name, the same take-over. */
    static Scheduler scheduler(DataSource dataSource, String name, Duration interval, Runnable job) {
        return com.aicredits.shared.RecurringJob.scheduler(dataSource, name, interval, job);
    }

    @Override
    public void start() {
        if (enabled && scheduler == null) {
            scheduler = scheduler(dataSource, interval, () -> run(batch -> { }));
            scheduler.start();
        }
    }

    @Override
    public void stop() {
        var running = scheduler;
        scheduler = null;
        if (running != null) {
            running.stop();
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }
}

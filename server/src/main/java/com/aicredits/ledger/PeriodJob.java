package com.aicredits.ledger;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
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
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    private static final int MISSED_HEARTBEATS = 5;

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
     * A db-scheduler for the period job alone, on the application's database. A run whose instance died (a kill in
     * the middle of a month start) stays claimed until its heartbeat is {@link #MISSED_HEARTBEATS} beats old, and
     * then another instance (or the restarted one) runs it again: db-scheduler's default is 30 minutes of a month
     * start standing still; these figures make it about 10 seconds.
     */
    static Scheduler scheduler(DataSource dataSource, Duration interval, Runnable job) {
        return scheduler(dataSource, TASK, interval, job);
    }

    /** The same for another of the ledger's recurring jobs ({@link UsageJob}): its own task name, the same take-over. */
    static Scheduler scheduler(DataSource dataSource, String name, Duration interval, Runnable job) {
        RecurringTask<Void> task = Tasks.recurring(name, FixedDelay.of(interval)).execute((instance, context) -> job.run());
        return Scheduler.create(dataSource)
                .startTasks(task)
                .threads(1)
                .heartbeatInterval(HEARTBEAT)
                .missedHeartbeatsLimit(MISSED_HEARTBEATS)
                .pollingInterval(Duration.ofSeconds(Math.max(1, Math.min(10, interval.toSeconds()))))
                .build();
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

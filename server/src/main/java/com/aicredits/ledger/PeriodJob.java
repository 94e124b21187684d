package com.aicredits.ledger;

import com.aicredits.shared.RecurringJobs;
import com.github.kagkarlsson.scheduler.Scheduler;
import java.time.Duration;
import java.util.function.IntConsumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
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
class PeriodJob {

    private static final Logger log = LoggerFactory.getLogger(PeriodJob.class);
    static final String TASK = "allowance-periods";

    private final Ledger ledger;

    PeriodJob(Ledger ledger, RecurringJobs jobs,
            @Value("${aicredits.allowances.job.enabled:true}") boolean enabled,
            @Value("${aicredits.allowances.job.interval:1m}") Duration interval) {
        this.ledger = ledger;
        if (enabled) {
            jobs.add(TASK, interval, () -> run(batch -> { }));
        }
    }

    /** One run: every tenant's due grants, batch by batch. A tenant that fails is logged and left to the next run. */
    GrantTotals run(IntConsumer afterBatch) {
        GrantTotals total = GrantTotals.NONE;
        for (var tenant : ledger.allowances().tenants()) {
            try {
                total = total.plus(ledger.allowances().grantDue(tenant, afterBatch));
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
     * A db-scheduler for the period job alone, with the service's settings ({@link RecurringJobs}: a month start cut off
     * by a kill is taken over in about 10 seconds, not db-scheduler's default 30 minutes); for a test of two instances.
     */
    static Scheduler scheduler(DataSource dataSource, Duration interval, Runnable job) {
        return RecurringJobs.scheduler(dataSource, TASK, interval, job);
    }
}

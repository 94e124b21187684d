package com.aicredits.shared;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A db-scheduler recurring task on the application's database (table scheduled_tasks): every instance runs a
 * scheduler, and each execution runs on the one instance that claimed its row. A run whose instance died stays
 * claimed until its heartbeat is {@link #MISSED_HEARTBEATS} beats old, and then another instance (or the restarted
 * one) runs it again: db-scheduler's default is 30 minutes standing still; these figures make it about 10 seconds.
 */
public final class RecurringJob {

    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    private static final int MISSED_HEARTBEATS = 5;
    /**
     * How long an unknown task's executions are kept: for ever. Each job has a scheduler of its own on the one table,
     * so each finds the other jobs' tasks unknown ("unresolved"), and db-scheduler deletes an unresolved task's
     * executions once it has been unresolved for this long (14 days by default, counted from when the scheduler first
     * saw it). An instance up for two weeks would have deleted the other jobs' executions, and they would not have run
     * again until a restart. db-scheduler does not support several task sets on one table (its issues #61 and #341,
     * where this workaround is named); one scheduler for every job is the lasting fix. A task this service no longer
     * has stays in the table, excluded from polling.
     */
    static final Duration UNKNOWN_TASKS_KEPT = Duration.ofDays(365L * 1000);

    private final DataSource dataSource;
    private final String name;
    private final Duration interval;
    private final Runnable job;
    private volatile Scheduler scheduler;

    public RecurringJob(DataSource dataSource, String name, Duration interval, Runnable job) {
        this.dataSource = dataSource;
        this.name = name;
        this.interval = interval;
        this.job = job;
    }

    /** The scheduler alone, for a job that manages its own start and stop. */
    public static Scheduler scheduler(DataSource dataSource, String name, Duration interval, Runnable job) {
        return configured(Scheduler.create(dataSource).startTasks(task(name, interval, job)), interval).build();
    }

    static RecurringTask<Void> task(String name, Duration interval, Runnable job) {
        return Tasks.recurring(name, FixedDelay.of(interval)).execute((instance, context) -> job.run());
    }

    /** Every job's scheduler settings (a test applies them to db-scheduler's manual scheduler). */
    static SchedulerBuilder configured(SchedulerBuilder builder, Duration interval) {
        return builder.threads(1)
                .heartbeatInterval(HEARTBEAT)
                .missedHeartbeatsLimit(MISSED_HEARTBEATS)
                .deleteUnresolvedAfter(UNKNOWN_TASKS_KEPT)
                .pollingInterval(Duration.ofSeconds(Math.max(1, Math.min(10, interval.toSeconds()))));
    }

    public void start() {
        if (scheduler == null) {
            scheduler = scheduler(dataSource, name, interval, job);
            scheduler.start();
        }
    }

    public void stop() {
        var running = scheduler;
        scheduler = null;
        if (running != null) {
            running.stop();
        }
    }

    public boolean isRunning() {
        return scheduler != null;
    }
}

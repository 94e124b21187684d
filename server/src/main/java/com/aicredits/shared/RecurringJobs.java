package com.aicredits.shared;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The service's recurring jobs (the period grants, the usage roll-ups, the outbox clean-up), as db-scheduler recurring
 * tasks on the application's database (table scheduled_tasks), all on one scheduler per instance: each execution runs
 * on the one instance that claimed its row. A run whose instance died stays claimed until its heartbeat is
 * {@link #MISSED_HEARTBEATS} beats old, and then another instance (or the restarted one) runs it again: db-scheduler's
 * default is 30 minutes standing still; these figures make it about 10 seconds.
 *
 * <p>One scheduler for every job, because db-scheduler does not support several task sets on one table (its issues
 * #61 and #341): a scheduler deletes the executions of tasks it does not know once they have been unknown for
 * {@code deleteUnresolvedAfter}, 14 days by default. With a scheduler per job, an instance up for two weeks deleted the
 * other jobs' tasks and they stopped until a restart. Unknown tasks are kept regardless ({@link #UNKNOWN_TASKS_KEPT}):
 * during a rolling upgrade an older instance does not know a newer one's tasks.
 */
@Component
public class RecurringJobs implements SmartLifecycle {

    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    private static final int MISSED_HEARTBEATS = 5;
    /** How long the executions of a task this scheduler does not know are kept: for ever. */
    static final Duration UNKNOWN_TASKS_KEPT = Duration.ofDays(365L * 1000);

    private final DataSource dataSource;
    private final List<RecurringTask<Void>> tasks = new ArrayList<>();
    private Duration polling = Duration.ofSeconds(10);
    private boolean started;
    private volatile Scheduler scheduler;

    public RecurringJobs(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Adds a job, run every {@code interval} from the start, by one instance at a time. Jobs are added at startup. */
    public synchronized void add(String name, Duration interval, Runnable job) {
        if (started) {
            throw new IllegalStateException("recurring jobs are added before the scheduler starts: " + name);
        }
        tasks.add(task(name, interval, job));
        if (polling(interval).compareTo(polling) < 0) {
            polling = polling(interval);
        }
    }

    /** A scheduler for one job alone, with the same settings (a test runs two, as two instances would). */
    public static Scheduler scheduler(DataSource dataSource, String name, Duration interval, Runnable job) {
        return configured(Scheduler.create(dataSource).startTasks(task(name, interval, job)), polling(interval)).build();
    }

    static RecurringTask<Void> task(String name, Duration interval, Runnable job) {
        return Tasks.recurring(name, FixedDelay.of(interval)).execute((instance, context) -> job.run());
    }

    /** Every scheduler's settings (a test applies them to db-scheduler's manual scheduler). */
    static SchedulerBuilder configured(SchedulerBuilder builder, Duration polling) {
        return builder.heartbeatInterval(HEARTBEAT)
                .missedHeartbeatsLimit(MISSED_HEARTBEATS)
                .deleteUnresolvedAfter(UNKNOWN_TASKS_KEPT)
                .pollingInterval(polling);
    }

    /** Due runs are looked for at least every 10 s, and as often as the most frequent job runs (at most every second). */
    private static Duration polling(Duration interval) {
        return Duration.ofSeconds(Math.max(1, Math.min(10, interval.toSeconds())));
    }

    @Override
    public synchronized void start() {
        started = true;
        if (scheduler == null && !tasks.isEmpty()) {
            scheduler = configured(Scheduler.create(dataSource).startTasks(List.copyOf(tasks)).threads(tasks.size()),
                    polling).build();
            scheduler.start();
        }
    }

    @Override
    public synchronized void stop() {
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

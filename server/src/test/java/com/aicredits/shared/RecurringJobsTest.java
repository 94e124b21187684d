package com.aicredits.shared;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two schedulers with different tasks on one table, with the service's settings ({@link RecurringJobs#configured}):
 * an older and a newer instance during a rolling upgrade, or, before the service ran every job on one scheduler, two
 * jobs of one instance. Run by hand on a clock moved five weeks on: neither deletes the other's task, and both keep
 * running. On a table of their own, so the application's jobs running beside them in this context are not touched.
 * Without {@code deleteUnresolvedAfter} the second task was deleted in the third week.
 */
@TestApplication
class RecurringJobsTest {

    private static final Duration HOURLY = Duration.ofHours(1);
    /** Outside the public schema, which the schema tests read whole. */
    private static final String TASKS = "recurring_job_test.tasks";

    @Autowired DataSource dataSource;
    @Autowired JdbcClient jdbc;

    @Test
    void a_jobs_task_outlives_weeks_beside_a_scheduler_that_does_not_know_it() {
        jdbc.sql("create schema if not exists recurring_job_test").update();
        jdbc.sql("create table if not exists " + TASKS + " (like public.scheduled_tasks including all)").update();
        jdbc.sql("delete from " + TASKS).update();
        var clock = new SettableClock();
        var grants = new AtomicInteger();
        var rollUps = new AtomicInteger();
        var first = manual("test-grants", grants, clock);
        var second = manual("test-roll-ups", rollUps, clock);
        first.start();
        second.start();

        for (int week = 0; week < 5; week++) {
            first.runAnyDueExecutions();
            second.runAnyDueExecutions();
            first.runDeadExecutionDetection();
            second.runDeadExecutionDetection();
            clock.tick(Duration.ofDays(7));
        }

        assertThat(jdbc.sql("select task_name from " + TASKS + " order by task_name").query(String.class).list())
                .as("each job's task, after five weeks beside a scheduler that does not know it")
                .containsExactly("test-grants", "test-roll-ups");
        first.runAnyDueExecutions();
        second.runAnyDueExecutions();
        assertThat(List.of(grants.get(), rollUps.get())).as("runs of each job, one a week and one after").containsExactly(6, 6);
    }

    private ManualScheduler manual(String name, AtomicInteger runs, SettableClock clock) {
        var task = RecurringJobs.task(name, HOURLY, runs::incrementAndGet);
        var builder = TestHelper.createManualScheduler(dataSource, List.of()).clock(clock).startTasks(List.of(task));
        return (ManualScheduler) RecurringJobs.configured(builder, HOURLY).tableName(TASKS).build();
    }
}

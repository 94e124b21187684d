package com.aicredits.shared;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.live.LiveUpdates;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.config.ScheduledTaskHolder;

/**
 * No periodic task waits for another: live updates still reach the channel every page listens to while another
 * task is busy (before, every fixed-delay task ran on one thread, and one stuck task stopped them all).
 */
@TestApplication
class PeriodicWorkTest {

    /** LiveUpdates' channel, which every instance listens to. */
    private static final String CHANNEL = "aicredits_credits";

    @Autowired TaskScheduler scheduler;
    @Autowired ScheduledTaskHolder scheduled;
    @Autowired LiveUpdates live;
    @Autowired DataSource dataSource;
    @Autowired ApplicationContext context;

    @Test
    void there_is_a_thread_for_every_periodic_task() {
        assertThat(scheduler).isInstanceOf(ThreadPoolTaskScheduler.class);
        assertThat(scheduled.getScheduledTasks()).as("the service's periodic tasks").isNotEmpty()
                .hasSizeLessThan(PeriodicWork.THREADS);
    }

    @Test
    void asynchronous_work_keeps_its_own_executor() {
        assertThat(context.containsBean("applicationTaskExecutor")).as("Boot's executor for asynchronous work").isTrue();
        assertThat(context.getBean("applicationTaskExecutor")).isNotSameAs(scheduler)
                .isNotInstanceOf(ThreadPoolTaskScheduler.class);
    }

    @Test
    void a_change_is_published_while_another_periodic_task_is_busy() throws Exception {
        var busy = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var stuck = scheduler.scheduleWithFixedDelay(() -> {
            busy.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, Duration.ofMillis(50));
        try (var listener = dataSource.getConnection(); var statement = listener.createStatement()) {
            statement.execute("listen " + CHANNEL);
            try {
                assertThat(busy.await(10, SECONDS)).as("the stuck task started").isTrue();
                var tenant = new TenantId(UUID.randomUUID());
                live.announce(tenant, "periodic-work");
                assertThat(heard(listener, tenant.value() + ":periodic-work", Duration.ofSeconds(10)))
                        .as("the change published while a task is stuck").isTrue();
            } finally {
                statement.execute("unlisten *");
            }
        } finally {
            release.countDown();
            stuck.cancel(false);
        }
    }

    private static boolean heard(Connection listener, String message, Duration within) throws SQLException {
        var notifications = listener.unwrap(PGConnection.class);
        for (var until = Instant.now().plus(within); Instant.now().isBefore(until); ) {
            var received = notifications.getNotifications(200);
            if (received != null) {
                for (var notification : received) {
                    if (notification.getParameter().equals(message)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}

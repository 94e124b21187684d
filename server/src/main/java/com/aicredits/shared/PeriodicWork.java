package com.aicredits.shared;

import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The scheduler of the service's in-process periodic work ({@code @Scheduled}: the live updates' flush every 200 ms,
 * the alert checks, the hold sweeper, the metrics, the reconciliation), with a thread for each task, so that none
 * waits for another.
 *
 * <p>Why not Spring Boot's own: with virtual threads on, it is a {@code SimpleAsyncTaskScheduler}, which runs every
 * fixed-delay task on its one scheduler thread. Each task then waited for all the others: a reconciliation of a large
 * ledger (16 s after the benchmark) held live updates, hold releases and alert checks for as long, and while the
 * database failed over, alert checks waiting 2 s for a connection per queued user kept every open page from hearing
 * a change for more than 15 s (FailoverTest, in CI).
 *
 * <p>Being an {@code Executor}, this bean would make Boot drop its application executor; application.yml forces it
 * ({@code spring.task.execution.mode}), so asynchronous work does not take these threads.
 */
@Configuration(proxyBeanMethods = false)
class PeriodicWork {

    /** More threads than the service has periodic tasks (PeriodicWorkTest counts them): none waits for a thread. */
    static final int THREADS = 16;

    @Bean
    ThreadPoolTaskScheduler taskScheduler(ThreadPoolTaskSchedulerBuilder builder) {
        return builder.poolSize(THREADS).threadNamePrefix("periodic-").build();
    }
}

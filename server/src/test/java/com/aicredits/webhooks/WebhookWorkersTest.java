package com.aicredits.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.shared.SecretBox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivery workers on one database: two workers deliver each of 120 events exactly once, and a commit wakes a
 * running worker that polls only every minute. Neither test verifies a signature or reads the test clock against
 * the real time, so they pass before or after {@link WebhookDeliveryTest} moves the shared context's clock on.
 */
@TestApplication
class WebhookWorkersTest extends WebhookDeliveryContext {

    @Autowired EndpointStore endpoints;
    @Autowired OutboxStore outbox;
    @Autowired Sender sender;
    @Autowired SecretBox secrets;
    @Autowired TransactionTemplate transactions;
    @Autowired ApplicationEventPublisher events;

    @Test
    void two_workers_on_one_database_deliver_each_event_once() throws Exception {
        var perId = new ConcurrentHashMap<String, AtomicInteger>();
        try (var receiver = new Receiver(n -> {
            try {
                Thread.sleep(n % 7);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 200;
        })) {
            var tenant = tenant();
            var registered = webhooks.register(tenant, receiver.url(), List.of("purchase.recorded"), null, null).orElseThrow();
            int events = 120;
            for (int i = 0; i < events; i++) {
                purchase(tenant, 1);
            }
            var one = newWorker();
            var two = newWorker();
            try (var pool = Executors.newFixedThreadPool(2)) {
                List<Future<?>> runs = new ArrayList<>();
                for (var w : List.of(one, two)) {
                    runs.add(pool.submit(() -> {
                        drain(w, Duration.ofMillis(500), Duration.ofSeconds(30));
                        return null;
                    }));
                }
                for (var run : runs) {
                    run.get();
                }
            }
            receiver.received.forEach(r -> perId.computeIfAbsent(r.header("webhook-id"), k -> new AtomicInteger()).incrementAndGet());
            assertThat(perId).hasSize(events);
            assertThat(perId.values()).allMatch(count -> count.get() == 1);
            var deliveries = webhooks.deliveries(tenant, registered.endpoint().id()).orElseThrow();
            assertThat(deliveries).hasSize(100); // the log shows the latest 100
            assertThat(jdbc.sql("select count(*) from webhook_deliveries where tenant_id = ? and status = 'DELIVERED' and attempts = 1")
                    .param(tenant.value()).query(Integer.class).single()).isEqualTo(events);
        }
    }

    private DeliveryWorker newWorker() {
        return new DeliveryWorker(outbox, endpoints, sender, secrets, transactions, events, clock,
                Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofHours(24), Duration.ofHours(24),
                Duration.ofSeconds(1), false);
    }

    @Test
    void a_commit_wakes_the_running_worker_at_once() throws Exception {
        aRunningWorkerDeliversAtOnce(false);
    }

    /** Spring stops and starts a context's lifecycle beans again (its test contexts are paused while unused). */
    @Test
    void a_worker_stopped_and_started_again_still_delivers() throws Exception {
        aRunningWorkerDeliversAtOnce(true);
    }

    private void aRunningWorkerDeliversAtOnce(boolean restarted) throws Exception {
        try (var receiver = new Receiver(n -> 200)) {
            var tenant = tenant();
            webhooks.register(tenant, receiver.url(), List.of("purchase.recorded"), null, null).orElseThrow();
            // polls only every minute: a delivery within seconds was woken by the commit
            var running = new DeliveryWorker(outbox, endpoints, sender, secrets, transactions, events, clock,
                    Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofHours(24), Duration.ofHours(24),
                    Duration.ofMinutes(1), true);
            running.start();
            if (restarted) {
                running.stop();
                running.start();
            }
            try {
                Thread.sleep(300); // the worker's first look found nothing and waits
                long start = System.nanoTime();
                var woken = new Webhooks(endpoints, outbox, new Subscriptions(endpoints, Duration.ZERO), new Targets(true),
                        secrets, running, directory, transactions, tools.jackson.databind.json.JsonMapper.builder().build(), clock);
                transactions.executeWithoutResult(tx -> woken.record(tenant, "purchase.recorded", Map.of("n", 1)));
                while (receiver.received.isEmpty() && System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
                    Thread.sleep(10);
                }
                assertThat(receiver.received).hasSize(1);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            } finally {
                running.stop();
            }
        }
    }
}

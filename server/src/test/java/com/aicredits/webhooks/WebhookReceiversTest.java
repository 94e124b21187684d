package com.aicredits.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What a probe of December 5 saw receivers do to the worker: one tenant's hanging receiver held every tenant's
 * deliveries, a receiver's 410 Gone and its Retry-After were taken for any failure (Standard Webhooks: "410 Gone ...
 * Sender should disable the webhook endpoint"; Retry-After "should be taken into consideration").
 */
@TestApplication
class WebhookReceiversTest extends WebhookDeliveryContext {

    @Autowired DeliveryWorker worker;
    @Autowired Disabled disabled;

    @Test
    void a_tenant_whose_receiver_hangs_holds_a_quarter_of_the_attempts_and_another_tenant_is_served_meanwhile()
            throws Exception {
        var release = new CountDownLatch(1);
        try (var hanging = new Receiver(n -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 200;
        }); var quick = new Receiver(n -> 200)) {
            var slow = tenant();
            var slowEndpoint = webhooks.register(slow, hanging.url(), List.of("*"), null, null).orElseThrow();
            for (int i = 0; i < 20; i++) {
                webhooks.sendTest(slow, slowEndpoint.endpoint().id()).orElseThrow();
            }
            var other = tenant();
            webhooks.register(other, quick.url(), List.of("purchase.recorded"), null, null).orElseThrow();
            purchase(other, 10);

            var started = worker.dispatchDue(); // starts the attempts and returns at once
            assertThat(started).hasSizeLessThanOrEqualTo(DeliveryWorker.IN_FLIGHT_PER_TENANT + 1);
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (quick.received.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(quick.received).as("served while the other tenant's receiver hangs").hasSize(1);
            assertThat(release.getCount()).isEqualTo(1);
            release.countDown();
            drain(worker, Duration.ofMillis(500), Duration.ofSeconds(20));
            assertThat(webhooks.deliveries(slow, slowEndpoint.endpoint().id()).orElseThrow())
                    .allSatisfy(d -> assertThat(d.status()).isEqualTo(Delivery.Status.DELIVERED));
            for (var attempt : started) {
                attempt.get(10, TimeUnit.SECONDS);
            }
            assertThat(worker.tenantsInFlight()).as("no count kept for a tenant with nothing in flight")
                    .doesNotContain(slow.value(), other.value());
        }
    }

    @Test
    void a_receiver_that_answers_410_gone_has_its_endpoint_disabled_at_once_and_is_not_retried() throws Exception {
        try (var gone = new Receiver(n -> 410)) {
            var tenant = tenant();
            var registered = webhooks.register(tenant, gone.url(), List.of("purchase.recorded"), null, null).orElseThrow();
            purchase(tenant, 10);
            drain(worker, Duration.ofMillis(500), Duration.ofSeconds(10));

            assertThat(gone.received).hasSize(1);
            var endpoint = webhooks.endpoint(tenant, registered.endpoint().id()).orElseThrow();
            assertThat(endpoint.enabled()).isFalse();
            assertThat(endpoint.disabledReason()).contains("410 Gone");
            var delivery = webhooks.deliveries(tenant, registered.endpoint().id()).orElseThrow().getFirst();
            assertThat(delivery.status()).isEqualTo(Delivery.Status.FAILED);
            assertThat(delivery.attempts()).isEqualTo(1);
            assertThat(disabled.heard).anyMatch(e -> e.endpointId().equals(registered.endpoint().id()));
        }
    }

    @Test
    void a_receiver_s_retry_after_puts_the_next_attempt_no_sooner_within_the_longest_backoff() throws Exception {
        try (var busy = new Receiver(n -> 503)) {
            busy.answerHeaders.put("Retry-After", "120");
            var tenant = tenant();
            var registered = webhooks.register(tenant, busy.url(), List.of("purchase.recorded"), null, null).orElseThrow();
            purchase(tenant, 10);
            Instant before = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            worker.deliverDue();

            var delivery = webhooks.deliveries(tenant, registered.endpoint().id()).orElseThrow().getFirst();
            assertThat(delivery.status()).isEqualTo(Delivery.Status.PENDING);
            // This context's longest backoff is 200 ms (retry.max-delay): 120 s asked, 200 ms given, not the 50 ms first.
            assertThat(Duration.between(before, delivery.nextAttemptAt())).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            // Removed, so that its retries do not keep the shared context's other drains busy.
            assertThat(webhooks.delete(tenant, registered.endpoint().id())).isTrue();
        }
    }
    @Test
    void a_resend_while_an_attempt_runs_keeps_that_attempt_in_the_log() throws Exception {
        var answered = new CountDownLatch(1);
        try (var slowOnce = new Receiver(n -> {
            if (n == 1) {
                try {
                    answered.await(3, TimeUnit.SECONDS); // past this context's 1 s timeout
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 200;
        })) {
            var tenant = tenant();
            var registered = webhooks.register(tenant, slowOnce.url(), List.of("purchase.recorded"), null, null).orElseThrow();
            purchase(tenant, 10);
            var running = worker.dispatchDue();
            assertThat(running).hasSize(1);
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (slowOnce.received.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            var delivery = webhooks.deliveries(tenant, registered.endpoint().id()).orElseThrow().getFirst();
            assertThat(webhooks.resend(tenant, registered.endpoint().id(), delivery.id()).orElseThrow()).isEqualTo(delivery.id());
            running.getFirst().get(10, TimeUnit.SECONDS);
            answered.countDown();
            drain(worker, Duration.ofMillis(500), Duration.ofSeconds(10));

            var after = webhooks.deliveries(tenant, registered.endpoint().id()).orElseThrow().getFirst();
            assertThat(after.status()).isEqualTo(Delivery.Status.DELIVERED);
            assertThat(after.log()).as("every attempt the receiver saw is logged").hasSize(slowOnce.received.size());
            assertThat(after.log().getFirst().error()).contains("no answer within 1 s");
            // Removed, so that nothing of it stays due for the shared context's other drains.
            assertThat(webhooks.delete(tenant, registered.endpoint().id())).isTrue();
        }
    }
}

package com.aicredits.webhooks;

import com.aicredits.shared.Backoff;
import com.aicredits.shared.OutboxLoop;
import com.aicredits.shared.SecretBox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the outbox's pending deliveries: woken after each commit that wrote some, and every
 * {@code aicredits.webhooks.poll-interval} anyway (deliveries due for a retry, or written on another instance).
 * Any number of instances run one each: a delivery is claimed with a lease ({@link OutboxStore#claim}), sent with
 * no transaction open, and its outcome recorded only by the claim's holder. All state is in the database, so a
 * restart resumes where the last run stopped; a delivery whose sender died is sent again when its lease runs out
 * (at least once: receivers dedupe on webhook-id).
 *
 * <p>A failed attempt is retried after an exponential backoff with jitter ({@code retry.initial}, doubling up to
 * {@code retry.max-delay}), for at least {@code retry.give-up-after} (24 h) from the first attempt or the latest
 * resend (no sooner than the receiver's Retry-After, within {@code retry.max-delay}), then the delivery is FAILED. An
 * endpoint whose attempts have all failed for {@code disable-after} (24 h), or that answered 410 Gone, is disabled and
 * {@link WebhookDisabled} published. The loop and the backoff are the ones the e-mail outbox uses too
 * ({@link OutboxLoop}, {@link Backoff}).
 */
@Component
class DeliveryWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
    static final Duration LEASE = Duration.ofSeconds(60);
    /** Attempts in flight at once on one instance, each on a virtual thread of its own; at most a quarter one tenant's. */
    static final int IN_FLIGHT_MAX = 32;
    static final int IN_FLIGHT_PER_TENANT = IN_FLIGHT_MAX / 4;

    private final OutboxStore outbox;
    private final EndpointStore endpoints;
    private final Sender sender;
    private final SecretBox secrets;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Backoff backoff;
    private final Duration maxDelay;
    private final Duration giveUpAfter;
    private final Duration disableAfter;
    private final boolean enabled;
    private final OutboxLoop loop;
    private final Semaphore slots = new Semaphore(IN_FLIGHT_MAX);
    /** Attempts running per tenant; a tenant with none is not kept. */
    private final Map<UUID, Integer> tenantsInFlight = new ConcurrentHashMap<>();
    /** Renewed by a start after a stop: Spring stops and starts a context's workers again (its tests' context pausing). */
    private volatile ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    DeliveryWorker(OutboxStore outbox, EndpointStore endpoints, Sender sender, SecretBox secrets,
            TransactionTemplate transactions, ApplicationEventPublisher events, Clock clock,
            @Value("${aicredits.webhooks.retry.initial:5s}") Duration initial,
            @Value("${aicredits.webhooks.retry.max-delay:1h}") Duration maxDelay,
            @Value("${aicredits.webhooks.retry.give-up-after:24h}") Duration giveUpAfter,
            @Value("${aicredits.webhooks.disable-after:24h}") Duration disableAfter,
            @Value("${aicredits.webhooks.poll-interval:2s}") Duration pollInterval,
            @Value("${aicredits.webhooks.worker.enabled:true}") boolean enabled) {
        this.outbox = outbox;
        this.endpoints = endpoints;
        this.sender = sender;
        this.secrets = secrets;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
        this.backoff = new Backoff(initial, maxDelay);
        this.maxDelay = maxDelay;
        this.giveUpAfter = giveUpAfter;
        this.disableAfter = disableAfter;
        this.enabled = enabled;
        this.loop = new OutboxLoop("webhook-worker", pollInterval, () -> dispatchDue().size());
    }

    /** A commit wrote deliveries: look now instead of at the next poll. */
    void wake() {
        loop.wake();
    }

    /**
     * Claims as many due deliveries as there are free slots and starts each on its own, without waiting for them;
     * returns the attempts started. A receiver that hangs holds only its own slot for its 10 s, never the others', and
     * one tenant holds at most {@link #IN_FLIGHT_PER_TENANT}: waiting for a whole batch let one tenant's slow receiver
     * (or 20 test events sent to it) delay every tenant's deliveries by up to 19 s (a probe of December 5). A finished
     * attempt frees its slot and wakes the loop.
     */
    List<Future<?>> dispatchDue() {
        int free = slots.drainPermits();
        if (free == 0) {
            return List.of();
        }
        UUID token = UUID.randomUUID();
        Instant now = now();
        List<OutboxStore.Claimed> claimed;
        try {
            claimed = transactions.execute(tx -> outbox.claim(now, now.plus(LEASE), token, free,
                    tenant -> IN_FLIGHT_PER_TENANT - tenantsInFlight.getOrDefault(tenant, 0)));
        } catch (RuntimeException e) {
            slots.release(free);
            throw e;
        }
        int taken = claimed == null ? 0 : claimed.size();
        slots.release(free - taken);
        var started = new ArrayList<Future<?>>(taken);
        for (int i = 0; i < taken; i++) {
            var delivery = claimed.get(i);
            UUID tenant = delivery.tenant().value();
            tenantsInFlight.merge(tenant, 1, Integer::sum);
            started.add(threads.submit(() -> {
                try {
                    attempt(delivery, token);
                } finally {
                    tenantsInFlight.computeIfPresent(tenant, (t, running) -> running == 1 ? null : running - 1);
                    slots.release();
                    loop.wake();
                }
            }));
        }
        return started;
    }

    /** The tenants with an attempt running now (for tests). */
    Set<UUID> tenantsInFlight() {
        return Set.copyOf(tenantsInFlight.keySet());
    }

    /** {@link #dispatchDue}, waiting for the attempts it started: tests run several workers against one database. */
    int deliverDue() {
        var started = dispatchDue();
        for (var attempt : started) {
            try {
                attempt.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                log.error("webhook attempt failed", e.getCause());
            }
        }
        return started.size();
    }

    private void attempt(OutboxStore.Claimed delivery, UUID token) {
        Sender.Result result;
        try {
            String secret = secrets.open(delivery.sealedSecret(), Webhooks.context(delivery.tenant(), delivery.endpointId()));
            result = sender.send(delivery.url(), delivery.eventId().toString(), delivery.body(), secret);
        } catch (RuntimeException e) {
            log.error("webhook delivery {} could not be attempted", delivery.deliveryId(), e);
            result = new Sender.Result(null, 0, null, "not sent: " + e.getMessage());
        }
        record(delivery, token, result);
    }

    private void record(OutboxStore.Claimed delivery, UUID token, Sender.Result result) {
        Instant at = now();
        boolean ok = result.succeeded();
        Duration wait = backoff.after(delivery.attempts() + 1);
        if (result.retryAfter() != null) {
            // Standard Webhooks: the receiver's Retry-After "should be taken into consideration"; within the backoff's
            // own longest wait, so a receiver cannot park a delivery past its give-up time.
            wait = Collections.max(List.of(wait, Collections.min(List.of(result.retryAfter(), maxDelay))));
        }
        Instant next = ok || result.gone() || !at.isBefore(delivery.retryingSince().plus(giveUpAfter)) ? null : at.plus(wait);
        transactions.executeWithoutResult(tx -> {
            var attempt = outbox.recordOutcome(delivery, token, ok, next, result.statusCode(), result.error(), at);
            if (attempt.isEmpty()) {
                log.warn("webhook delivery {}: its claim ran out before the attempt finished; another worker retries it",
                        delivery.deliveryId());
                return;
            }
            outbox.logAttempt(delivery, attempt.get(), at, result.statusCode(), result.latencyMs(), result.excerpt(),
                    result.error());
            if (ok) {
                endpoints.succeeded(delivery.tenant(), delivery.endpointId());
                return;
            }
            // 410 Gone: the receiver says the endpoint is no more (Standard Webhooks): disabled at once, not retried.
            endpoints.failed(delivery.tenant(), delivery.endpointId(), at, result.gone() ? at : at.minus(disableAfter),
                    result.gone() ? "the receiver answered 410 Gone: it no longer takes these events"
                            : "failing for " + disableAfter.toHours() + " hours without a successful delivery").ifPresent(off -> {
                        log.warn("webhook endpoint {} of tenant {} ({}) disabled: failing since {}", off.id(),
                                delivery.tenant().value(), off.url(), off.failingSince());
                        events.publishEvent(new WebhookDisabled(delivery.tenant(), off.id(), off.url(),
                                off.failingSince(), at));
                    });
        });
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public void start() {
        if (enabled) {
            if (threads.isShutdown()) {
                // Stopped before: its attempts' threads were shut down, and every claim since was refused a thread.
                threads = Executors.newVirtualThreadPerTaskExecutor();
            }
            loop.start();
        }
    }

    @Override
    public void stop() {
        // Attempts in flight finish (within the send timeout) and record their outcome; interrupted only if they do
        // not, and then their leases run out and another instance, or the next start, sends them again.
        loop.stop(Duration.ofSeconds(12));
        threads.shutdown();
        try {
            threads.awaitTermination(12, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}

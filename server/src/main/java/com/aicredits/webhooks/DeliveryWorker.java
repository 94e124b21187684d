package com.aicredits.webhooks;

import com.aicredits.shared.SecretBox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
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
 * Any number of instances run one each: a delivery is claimed with a lease ({@link WebhookStore#claim}), sent with
 * no transaction open, and its outcome recorded only by the claim's holder. All state is in the database, so a
 * restart resumes where the last run stopped; a delivery whose sender died is sent again when its lease runs out
 * (at least once: receivers dedupe on webhook-id).
 *
 * <p>A failed attempt is retried after an exponential backoff with jitter ({@code retry.initial}, doubling up to
 * {@code retry.max-delay}), for at least {@code retry.give-up-after} (24 h) from the first attempt or the latest
 * resend, then the delivery is FAILED. An endpoint whose attempts have all failed for {@code disable-after} (24 h) is
 * disabled and {@link WebhookDisabled} published.
 */
@Component
class DeliveryWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
    static final Duration LEASE = Duration.ofSeconds(60);
    static final int BATCH = 16;

    private final WebhookStore store;
    private final Sender sender;
    private final SecretBox secrets;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Backoff backoff;
    private final Duration disableAfter;
    private final Duration pollInterval;
    private final boolean enabled;
    private final Semaphore wakeUps = new Semaphore(0);
    private volatile Thread loop;
    private volatile boolean running;

    /** How long to wait after the n-th failed attempt, and until when to keep trying. */
    record Backoff(Duration initial, Duration maxDelay, Duration giveUpAfter) {
        Duration after(int attempts) {
            long base = initial.toMillis() << Math.min(attempts - 1, 30);
            long capped = Math.min(base <= 0 ? Long.MAX_VALUE : base, maxDelay.toMillis());
            // ±20 %, so endpoints that failed together are not all retried in the same instant
            return Duration.ofMillis(Math.max(1, (long) (capped * ThreadLocalRandom.current().nextDouble(0.8, 1.2))));
        }
    }

    DeliveryWorker(WebhookStore store, Sender sender, SecretBox secrets, TransactionTemplate transactions,
            ApplicationEventPublisher events, Clock clock,
            @Value("${aicredits.webhooks.retry.initial:5s}") Duration initial,
            @Value("${aicredits.webhooks.retry.max-delay:1h}") Duration maxDelay,
            @Value("${aicredits.webhooks.retry.give-up-after:24h}") Duration giveUpAfter,
            @Value("${aicredits.webhooks.disable-after:24h}") Duration disableAfter,
            @Value("${aicredits.webhooks.poll-interval:2s}") Duration pollInterval,
            @Value("${aicredits.webhooks.worker.enabled:true}") boolean enabled) {
        this.store = store;
        this.sender = sender;
        this.secrets = secrets;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
        this.backoff = new Backoff(initial, maxDelay, giveUpAfter);
        this.disableAfter = disableAfter;
        this.pollInterval = pollInterval;
        this.enabled = enabled;
    }

    /** A commit wrote deliveries: look now instead of at the next poll. */
    void wake() {
        wakeUps.release();
    }

    /**
     * Claims one batch of due deliveries, sends them in parallel and records each outcome; how many it attempted.
     * The loop calls this; tests call it directly to run several workers against one database.
     */
    int deliverDue() {
        UUID token = UUID.randomUUID();
        Instant now = now();
        var claimed = transactions.execute(tx -> store.claim(now, now.plus(LEASE), token, BATCH));
        if (claimed == null || claimed.isEmpty()) {
            return 0;
        }
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var delivery : claimed) {
                threads.submit(() -> attempt(delivery, token));
            }
        }
        return claimed.size();
    }

    private void attempt(WebhookStore.Claimed delivery, UUID token) {
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

    private void record(WebhookStore.Claimed delivery, UUID token, Sender.Result result) {
        Instant at = now();
        boolean ok = result.succeeded();
        Instant next = ok || !at.isBefore(delivery.retryingSince().plus(backoff.giveUpAfter())) ? null
                : at.plus(backoff.after(delivery.attempts() + 1));
        transactions.executeWithoutResult(tx -> {
            var attempt = store.recordOutcome(delivery, token, ok, next, result.statusCode(), result.error(), at);
            if (attempt.isEmpty()) {
                log.warn("webhook delivery {}: its claim ran out before the attempt finished; another worker retries it",
                        delivery.deliveryId());
                return;
            }
            store.logAttempt(delivery, attempt.get(), at, result.statusCode(), result.latencyMs(), result.excerpt(),
                    result.error());
            if (ok) {
                store.succeeded(delivery.tenant(), delivery.endpointId());
                return;
            }
            store.failed(delivery.tenant(), delivery.endpointId(), at, at.minus(disableAfter),
                    "failing for " + disableAfter.toHours() + " hours without a successful delivery").ifPresent(off -> {
                        log.warn("webhook endpoint {} of tenant {} ({}) disabled: failing since {}", off.id(),
                                delivery.tenant().value(), off.url(), off.failingSince());
                        events.publishEvent(new WebhookDisabled(delivery.tenant(), off.id(), off.url(),
                                off.failingSince(), at));
                    });
        });
    }

    private void run() {
        while (running) {
            try {
                if (deliverDue() == 0) {
                    wakeUps.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                    wakeUps.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // the database away for a moment: the deliveries wait in the outbox; try again at the next poll
                log.warn("webhook worker: {}", e.toString());
                try {
                    Thread.sleep(pollInterval.toMillis());
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public void start() {
        if (!enabled || running) {
            return;
        }
        running = true;
        loop = Thread.ofPlatform().name("webhook-worker").daemon(true).start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        wakeUps.release();
        var thread = loop;
        if (thread != null) {
            // Attempts in flight finish (within the send timeout) and record their outcome; interrupted only if
            // they do not, and then their leases run out and another instance, or the next start, sends them again.
            try {
                thread.join(Duration.ofSeconds(12));
                if (thread.isAlive()) {
                    thread.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}

package com.aicredits.webhooks;

import com.aicredits.shared.Backoff;
import com.aicredits.shared.OutboxLoop;
import com.aicredits.shared.SecretBox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.Executors;
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
 * resend, then the delivery is FAILED. An endpoint whose attempts have all failed for {@code disable-after} (24 h) is
 * disabled and {@link WebhookDisabled} published. The loop and the backoff are the ones the e-mail outbox uses too
 * ({@link OutboxLoop}, {@link Backoff}).
 */
@Component
class DeliveryWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
    static final Duration LEASE = Duration.ofSeconds(60);
    static final int BATCH = 16;

    private final OutboxStore outbox;
    private final EndpointStore endpoints;
    private final Sender sender;
    private final SecretBox secrets;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Backoff backoff;
    private final Duration giveUpAfter;
    private final Duration disableAfter;
    private final boolean enabled;
    private final OutboxLoop loop;

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
        this.giveUpAfter = giveUpAfter;
        this.disableAfter = disableAfter;
        this.enabled = enabled;
        this.loop = new OutboxLoop("webhook-worker", pollInterval, this::deliverDue);
    }

    /** A commit wrote deliveries: look now instead of at the next poll. */
    void wake() {
        loop.wake();
    }

    /**
     * Claims one batch of due deliveries, sends them in parallel and records each outcome; how many it attempted.
     * The loop calls this; tests call it directly to run several workers against one database.
     */
    int deliverDue() {
        UUID token = UUID.randomUUID();
        Instant now = now();
        var claimed = transactions.execute(tx -> outbox.claim(now, now.plus(LEASE), token, BATCH));
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
        Instant next = ok || !at.isBefore(delivery.retryingSince().plus(giveUpAfter)) ? null
                : at.plus(backoff.after(delivery.attempts() + 1));
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
            endpoints.failed(delivery.tenant(), delivery.endpointId(), at, at.minus(disableAfter),
                    "failing for " + disableAfter.toHours() + " hours without a successful delivery").ifPresent(off -> {
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
            loop.start();
        }
    }

    @Override
    public void stop() {
        // Attempts in flight finish (within the send timeout) and record their outcome; interrupted only if they do
        // not, and then their leases run out and another instance, or the next start, sends them again.
        loop.stop(Duration.ofSeconds(12));
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}

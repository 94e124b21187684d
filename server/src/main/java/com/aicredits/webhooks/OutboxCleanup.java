package com.aicredits.webhooks;

import com.aicredits.notifications.Notifications;
import com.aicredits.shared.RecurringJobs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Keeps the outboxes from growing without end: deliveries that finished (delivered, or failed for good) more than
 * {@code aicredits.outbox.retention} (30 days) ago are deleted with their attempt log, then the events no delivery
 * refers to any more, and the e-mails sent or given up that long ago. Pending rows are never touched, and the
 * delivery log stays visible for the whole retention. A db-scheduler recurring task ({@link RecurringJobs}), so one
 * instance runs each execution; deletes go in batches so no run holds a long transaction.
 */
@Component
class OutboxCleanup {

    private static final Logger log = LoggerFactory.getLogger(OutboxCleanup.class);
    static final String TASK = "outbox-clean-up";
    static final int BATCH = 5_000;

    /** What one run deleted. */
    record Cleaned(long deliveries, long events, long emails) {
    }

    private final OutboxStore outbox;
    private final Notifications notifications;
    private final Clock clock;
    private final Duration retention;

    OutboxCleanup(OutboxStore outbox, Notifications notifications, Clock clock, RecurringJobs jobs,
            @Value("${aicredits.outbox.retention:30d}") Duration retention,
            @Value("${aicredits.outbox.clean-up.interval:1h}") Duration interval,
            @Value("${aicredits.outbox.clean-up.enabled:true}") boolean enabled) {
        this.outbox = outbox;
        this.notifications = notifications;
        this.clock = clock;
        this.retention = retention;
        if (enabled) {
            jobs.add(TASK, interval, this::scheduledRun);
        }
    }

    /** One run: everything finished before now minus the retention. Tests call it directly. */
    Cleaned run() {
        Instant before = clock.instant().minus(retention);
        long deliveries = drain(() -> outbox.deleteFinishedDeliveries(before, BATCH));
        long events = drain(() -> outbox.deleteUndeliverableEvents(before, BATCH));
        long emails = notifications.forgetFinishedEmails(before);
        return new Cleaned(deliveries, events, emails);
    }

    private static long drain(java.util.function.IntSupplier batch) {
        long total = 0;
        int deleted;
        do {
            deleted = batch.getAsInt();
            total += deleted;
        } while (deleted == BATCH);
        return total;
    }

    private void scheduledRun() {
        try {
            var cleaned = run();
            if (cleaned.deliveries() + cleaned.events() + cleaned.emails() > 0) {
                log.info("outbox clean-up: deleted {} webhook deliveries, {} webhook events and {} e-mails finished over {} ago",
                        cleaned.deliveries(), cleaned.events(), cleaned.emails(), retention);
            }
        } catch (DataAccessException e) {
            log.warn("outbox clean-up stopped, the next run goes on: {}", e.getMessage());
        }
    }
}

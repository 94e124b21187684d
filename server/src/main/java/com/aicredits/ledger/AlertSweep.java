package com.aicredits.ledger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Raises the alerts a crash left unclaimed. A per-user crossing is claimed just after the charge commits, from
 * queues that live in memory ({@link Alerts}), so a crash in between would lose the alert. The sweep closes that gap
 * without touching the charge path: at start and every {@code aicredits.alerts.sweep.interval} it looks for users
 * and pools in an alert's state with no alert recorded and checks them by state like any queued one (the claim keeps
 * it to one alert).
 */
@Service
class AlertSweep {

    private static final Logger log = LoggerFactory.getLogger(AlertSweep.class);

    /** Users looked at per sweep; the next sweep takes the rest. */
    static final int BATCH = 1_000;

    private final AlertStore store;
    private final Alerts alerts;
    private final boolean enabled;

    AlertSweep(AlertStore store, Alerts alerts, @Value("${aicredits.alerts.sweep.enabled:true}") boolean enabled) {
        this.store = store;
        this.alerts = alerts;
        this.enabled = enabled;
    }

    /**
     * Checks the users and pools in an alert's state with no alert recorded; how many. Idempotent: a user whose alert
     * is recorded is not found again, and the claim fires at most one alert per crossing however often this runs.
     */
    int sweep() {
        var unalerted = store.unalertedUsers(BATCH);
        unalerted.forEach(found -> alerts.recheckUser(found.tenant(), found.user()));
        var pools = store.unalertedPools();
        pools.forEach(alerts::recheckPool);
        return unalerted.size() + pools.size();
    }

    /** The sweep, at start ({@code initial-delay} after) and then every {@code interval}; off in tests, which call it. */
    @Scheduled(initialDelayString = "${aicredits.alerts.sweep.initial-delay:20s}",
            fixedDelayString = "${aicredits.alerts.sweep.interval:5m}")
    void scheduledSweep() {
        if (!enabled) {
            return;
        }
        try {
            int swept = sweep();
            if (swept > 0) {
                log.info("Alert sweep: checked {} users and pools in an alert's state with no alert recorded", swept);
            }
        } catch (RuntimeException e) {
            log.warn("Could not sweep for unrecorded alerts: {}", e.toString());
        }
    }
}

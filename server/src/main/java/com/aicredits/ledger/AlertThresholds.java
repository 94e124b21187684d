package com.aicredits.ledger;

import com.aicredits.settings.Settings;
import com.aicredits.settings.TenantSettings;
import com.aicredits.shared.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Each tenant's alert thresholds as {@link Alerts} compares figures with them: read from the settings at most every
 * {@code aicredits.alerts.settings-cache} (5 s) per tenant, so a charge that crosses nothing costs no query.
 */
@Component
class AlertThresholds {

    private record Cached(Settings.Alerts alerts, Instant until) {
    }

    private final TenantSettings settings;
    private final Clock clock;
    private final Duration cacheFor;
    private final Map<TenantId, Cached> cached = new ConcurrentHashMap<>();

    AlertThresholds(TenantSettings settings, Clock clock, @Value("${aicredits.alerts.settings-cache:5s}") Duration cacheFor) {
        this.settings = settings;
        this.clock = clock;
        this.cacheFor = cacheFor;
    }

    /** The tenant's thresholds, as read at most {@code aicredits.alerts.settings-cache} ago. */
    Settings.Alerts of(TenantId tenant) {
        var kept = cached.get(tenant);
        if (kept != null && clock.instant().isBefore(kept.until())) {
            return kept.alerts();
        }
        return readNow(tenant);
    }

    /** The tenant's thresholds as saved now, kept for the next {@code aicredits.alerts.settings-cache}. */
    Settings.Alerts readNow(TenantId tenant) {
        var alerts = settings.settings(tenant).map(Settings::alerts).orElse(Settings.Alerts.DEFAULTS);
        cached.put(tenant, new Cached(alerts, clock.instant().plus(cacheFor)));
        return alerts;
    }

    /** Forgets what was read: the next comparison reads the thresholds as saved then. */
    void forget(TenantId tenant) {
        cached.remove(tenant);
    }
}

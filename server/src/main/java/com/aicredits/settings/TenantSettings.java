package com.aicredits.settings;

import com.aicredits.directory.Directory;
import com.aicredits.directory.Role;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.Credits;
import com.aicredits.settings.Settings.Alerts;
import java.time.Clock;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The settings module's one entry point: a tenant's settings, read with their defaults filled in, and changed
 * field by field. Only IANA time zone names are accepted ("Europe/Berlin", "UTC"), never offsets ("+02:00"), so
 * the tenant's midnight follows its daylight-saving rules.
 */
@Service
public class TenantSettings {

    public static final ZoneId DEFAULT_TIME_ZONE = ZoneId.of("UTC");
    private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();

    private final SettingsStore store;
    private final HoldLimits holdLimits;
    private final Directory directory;
    private final TransactionTemplate transactions;
    private final Clock clock;

    TenantSettings(SettingsStore store, HoldLimits holdLimits, Directory directory, TransactionTemplate transactions,
            Clock clock) {
        this.store = store;
        this.holdLimits = holdLimits;
        this.directory = directory;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Empty for an unknown tenant. */
    public Optional<Settings> settings(TenantId tenant) {
        return holdLimits.holdLimit(tenant).map(limit -> {
            var row = store.row(tenant);
            return new Settings(zone(row.timeZone()), limit, row.reclaimOnDeactivate(), row.alerts(),
                    store.roleDefaults(tenant));
        });
    }

    /** The tenant's time zone: where its periods start at midnight. UTC for a tenant that never set one. */
    public ZoneId timeZone(TenantId tenant) {
        return store.timeZone(tenant).map(TenantSettings::zone).orElse(DEFAULT_TIME_ZONE);
    }

    public boolean reclaimOnDeactivate(TenantId tenant) {
        return store.row(tenant).reclaimOnDeactivate();
    }

    /** The allowance a user registered with {@code role} gets at once; empty when the role has none. */
    public Optional<AllowanceTerms> roleDefault(TenantId tenant, Role role) {
        return store.roleDefault(tenant, role);
    }

    /** Applies every field the change names, or none of them. */
    public Outcome<Settings> change(TenantId tenant, SettingsChange change) {
        if (directory.tenant(tenant).isEmpty()) {
            return Refused.notFound("tenant");
        }
        var invalid = invalid(change);
        if (invalid.isPresent()) {
            return invalid.get().as();
        }
        return transactions.execute(tx -> {
            var now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            store.lock(tenant, now);
            var row = store.row(tenant);
            var alerts = row.alerts();
            if (change.alerts() != null) {
                var a = change.alerts();
                alerts = new Alerts(a.userLowPercent() == null ? alerts.userLowPercent() : a.userLowPercent().orElse(null),
                        a.userExhausted() == null ? alerts.userExhausted() : a.userExhausted(),
                        a.poolUnassignedBelow() == null ? alerts.poolUnassignedBelow() : a.poolUnassignedBelow().orElse(null),
                        a.tenantAvailableBelowPercent() == null ? alerts.tenantAvailableBelowPercent()
                                : a.tenantAvailableBelowPercent().orElse(null));
            }
            store.save(tenant, new SettingsStore.Row(change.timeZone() == null ? row.timeZone() : change.timeZone(),
                    change.reclaimOnDeactivate() == null ? row.reclaimOnDeactivate() : change.reclaimOnDeactivate(),
                    alerts), now);
            if (change.maxHoldsPerUser() != null) {
                holdLimits.changeHoldLimit(tenant, change.maxHoldsPerUser());
            }
            if (change.allowanceDefaults() != null) {
                change.allowanceDefaults().forEach((role, terms) -> store.saveRoleDefault(tenant, role, terms));
            }
            return Outcome.done(settings(tenant).orElseThrow());
        });
    }

    private static Optional<Refused<Settings>> invalid(SettingsChange change) {
        if (change.timeZone() != null && !ZONES.contains(change.timeZone())) {
            return Optional.of(new Refused<>(Refusal.INVALID_TIME_ZONE,
                    "timeZone must be an IANA time zone name such as Europe/Berlin or UTC", null, "timeZone"));
        }
        if (change.maxHoldsPerUser() != null
                && (change.maxHoldsPerUser() < HoldLimits.MIN || change.maxHoldsPerUser() > HoldLimits.MAX)) {
            return Optional.of(Refused.<Settings>invalid("maxHoldsPerUser",
                    "maxHoldsPerUser is between " + HoldLimits.MIN + " and " + HoldLimits.MAX));
        }
        var alerts = change.alerts();
        if (alerts != null) {
            if (!percent(alerts.userLowPercent())) {
                return Optional.of(Refused.<Settings>invalid("alerts.userLowPercent", "userLowPercent is between 0 and 100"));
            }
            if (!percent(alerts.tenantAvailableBelowPercent())) {
                return Optional.of(Refused.<Settings>invalid("alerts.tenantAvailableBelowPercent",
                        "tenantAvailableBelowPercent is between 0 and 100"));
            }
            if (alerts.poolUnassignedBelow() != null && alerts.poolUnassignedBelow().isPresent()
                    && !amount(alerts.poolUnassignedBelow().get())) {
                return Optional.of(new Refused<>(Refusal.INVALID_AMOUNT,
                        "poolUnassignedBelow is a positive amount of at most " + Credits.MAX_ENTERED + " credits", null,
                        "alerts.poolUnassignedBelow"));
            }
        }
        if (change.allowanceDefaults() != null) {
            for (var entry : change.allowanceDefaults().entrySet()) {
                if (entry.getValue() != null && entry.getValue().isPresent() && !amount(entry.getValue().get().credits())) {
                    return Optional.of(new Refused<>(Refusal.INVALID_AMOUNT,
                            "credits is a positive amount of at most " + Credits.MAX_ENTERED, null,
                            "allowanceDefaults." + entry.getKey() + ".credits"));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean percent(Optional<Integer> value) {
        return value == null || value.isEmpty() || (value.get() >= 0 && value.get() <= 100);
    }

    private static boolean amount(Credits credits) {
        return credits.isPositive() && credits.compareTo(Credits.MAX_ENTERED) <= 0;
    }

    private static ZoneId zone(String name) {
        return ZoneId.of(name);
    }
}

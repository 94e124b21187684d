package com.aicredits.ledger;

import com.aicredits.settings.Period;
import com.aicredits.settings.TenantSettings;
import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Usage over time and runways (SPEC part two, "Usage over time and runway"), read from the daily roll-ups and the
 * not-yet-folded tail, so every figure is exact and current. Days are the tenant's, in its time zone as set now.
 */
@Component
class UsageReports {

    /** Users who run out within this many days are at risk, allowance or not. */
    static final int RISK_DAYS = 14;

    private final UsageStore store;
    private final LedgerQueries queries;
    private final TenantSettings settings;
    private final AllowancePeriods periods;
    private final Clock clock;

    UsageReports(UsageStore store, LedgerQueries queries, TenantSettings settings, AllowancePeriods periods, Clock clock) {
        this.store = store;
        this.queries = queries;
        this.settings = settings;
        this.periods = periods;
        this.clock = clock;
    }

    LocalDate today(TenantId tenant) {
        return LocalDate.ofInstant(clock.instant(), settings.timeZone(tenant));
    }

    Usage usage(TenantId tenant, UsageQuery query) {
        ZoneId zone = settings.timeZone(tenant);
        var rows = store.days(tenant, zone, query);
        // consumption per key and point
        Map<String, TreeMap<LocalDate, Long>> byKey = new LinkedHashMap<>();
        long total = 0;
        for (var row : rows) {
            byKey.computeIfAbsent(row.key(), k -> new TreeMap<>()).merge(query.pointOf(row.day()), row.consumed(), Long::sum);
            total += row.consumed();
        }
        if (query.groupBy() == UsageQuery.GroupBy.NONE) {
            byKey.putIfAbsent("", new TreeMap<>());
        }
        List<Map.Entry<String, Long>> largest = byKey.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue().values().stream().mapToLong(Long::longValue).sum()))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(query.limit())
                .toList();
        Map<String, String> labels = query.groupBy() == UsageQuery.GroupBy.USER
                ? store.names(tenant, largest.stream().map(Map.Entry::getKey).toList())
                : Map.of();
        List<LocalDate> points = new ArrayList<>();
        for (LocalDate p = query.from(); !p.isAfter(query.to()); p = query.nextPoint(p)) {
            points.add(p);
        }
        var series = largest.stream().map(e -> {
            var perPoint = byKey.get(e.getKey());
            String key = query.groupBy() == UsageQuery.GroupBy.NONE ? "total" : e.getKey();
            String label = switch (query.groupBy()) {
                case NONE -> "All consumption";
                case FEATURE -> e.getKey().isEmpty() ? "(no feature)" : e.getKey();
                case USER -> labels.getOrDefault(e.getKey(), e.getKey());
            };
            return new Usage.Series(key, label, new Credits(e.getValue()), points.stream()
                    .map(p -> new Usage.Point(p, new Credits(perPoint.getOrDefault(p, 0L)))).toList());
        }).toList();
        return new Usage(query.from(), query.to(), query.interval(), new Credits(total), series);
    }

    List<String> featureOrder(TenantId tenant) {
        return store.featureOrder(tenant, settings.timeZone(tenant));
    }

    /**
     * The tenant's runway and its users at risk (soonest first, at most {@code limit}); with {@code user}, that user's
     * own figures alone and no tenant figures. The zone, the next grants and the pace window are read once for all.
     */
    Forecast forecast(TenantId tenant, UserId user, int limit) {
        ZoneId zone = settings.timeZone(tenant);
        var window = paceWindow(tenant, zone);
        var grants = periods.nextGrants(zone);
        if (user != null) {
            var own = store.runway(tenant, window, user).map(row -> forecast(row, grants));
            return new Forecast(null, null, own.stream().toList());
        }
        var available = queries.summary(tenant).map(Summary::totalAvailable).orElse(Credits.ZERO);
        var read = store.atRisk(tenant, window, window.today().plusDays(RISK_DAYS), grants.monthly(), grants.weekly(),
                limit, available.thousandths());
        return new Forecast(runway(read.tenant()), available,
                read.users().stream().map(row -> forecast(row, grants)).toList());
    }

    private static Forecast.UserForecast forecast(UsageStore.UserRow row, AllowancePeriods.NextGrants grants) {
        return new Forecast.UserForecast(row.userId(), row.name(), new Credits(row.available()), runway(row, grants),
                row.period() == null ? null : grants.at(Period.valueOf(row.period())));
    }

    /** The tenant's total available credits at the pace of its last 14 days (the Total Available card). */
    Runway tenantRunway(TenantId tenant) {
        ZoneId zone = settings.timeZone(tenant);
        var available = queries.summary(tenant).map(Summary::totalAvailable).orElse(Credits.ZERO);
        return runway(store.tenantPace(tenant, paceWindow(tenant, zone), available.thousandths()));
    }

    private static Runway runway(UsageStore.TenantPace pace) {
        return new Runway(Runway.dailyBurn(pace.consumed()), pace.runsOutOn(), false);
    }

    /** The runway of each of these users (a page of the table). */
    Map<UserId, Runway> runways(TenantId tenant, List<UserId> users) {
        ZoneId zone = settings.timeZone(tenant);
        return runways(zone, List.copyOf(store.runways(tenant, paceWindow(tenant, zone), users).values()));
    }

    /** These users' runways from their rows of {@link UsageSql#runways} (read with a page of the table, say). */
    Map<UserId, Runway> runways(ZoneId zone, List<UsageStore.UserRow> rows) {
        var grants = periods.nextGrants(zone);
        return rows.stream().collect(Collectors.toUnmodifiableMap(UsageStore.UserRow::userId, row -> runway(row, grants)));
    }

    /** The 14 pace days ending today in the tenant's zone, read once for an answer's statements. */
    private UsageSql.PaceWindow paceWindow(TenantId tenant, ZoneId zone) {
        return store.paceWindow(tenant, zone, LocalDate.ofInstant(clock.instant(), zone));
    }

    /** The window the table's runway sort and filter read: the tenant's zone and today there. */
    RunwayWindow window(TenantId tenant) {
        ZoneId zone = settings.timeZone(tenant);
        return new RunwayWindow(zone, LocalDate.ofInstant(clock.instant(), zone));
    }

    record RunwayWindow(ZoneId zone, LocalDate today) {
    }

    private static Runway runway(UsageStore.UserRow row, AllowancePeriods.NextGrants grants) {
        LocalDate nextGrant = row.period() == null ? null : grants.day(Period.valueOf(row.period()));
        boolean beforeGrant = nextGrant != null && row.runsOutOn() != null && row.runsOutOn().isBefore(nextGrant);
        return new Runway(Runway.dailyBurn(row.consumed()), row.runsOutOn(), beforeGrant);
    }
}

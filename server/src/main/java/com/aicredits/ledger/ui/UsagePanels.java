package com.aicredits.ledger.ui;

import com.aicredits.access.Caller;
import com.aicredits.directory.Directory;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.Runway;
import com.aicredits.ledger.Summary;
import com.aicredits.ledger.Usage;
import com.aicredits.ledger.UsageQuery;
import com.aicredits.settings.Settings;
import com.aicredits.settings.TenantSettings;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The usage charts (SPEC part two, "Usage over time and runway"): the tenant's consumption per day stacked by feature
 * with its top consumers (AI Credits tab), one user's (their history page), and a person's own (their balance page
 * and the Canvas). Each is an htmx fragment with its range and interval pickers, redrawn live; Chart.js draws it from
 * the JSON block beside the canvas, and the same figures are in a table and a sentence for those who cannot see it.
 */
@Controller
public class UsagePanels {

    /** The ranges the picker offers, in days. */
    static final List<Integer> RANGES = List.of(7, 30, 90, 365);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_YEAR = DateTimeFormatter.ofPattern("MMM d, yyyy", Locale.ENGLISH);
    private static final int TOP_CONSUMERS = 5;

    private final Ledger ledger;
    private final Directory directory;
    private final JsonMapper json;
    private final TenantSettings settings;

    UsagePanels(Ledger ledger, Directory directory, JsonMapper json, TenantSettings settings) {
        this.ledger = ledger;
        this.directory = directory;
        this.json = json;
        this.settings = settings;
    }

    /** A chart: its id, what it shows, Chart.js's data as JSON, and the same figures as table rows. */
    public record Chart(String id, String title, String type, String dataJson, List<String> columns, List<List<String>> rows) {
    }

    /** The panel: where it reloads from, the pickers' values, a summary and a runway sentence, and its charts. */
    public record Panel(String id, String url, int days, String interval, List<Integer> ranges, String summary,
            String runway, boolean empty, List<Chart> charts) {
    }

    @GetMapping("/app/tenants/{tenantId}/credits/usage-panel")
    String tenantPanel(@PathVariable TenantId tenantId, @RequestParam(defaultValue = "30") String days,
            @RequestParam(defaultValue = "day") String interval, Model model) {
        requireTenant(tenantId);
        var query = query(tenantId, days, interval, UsageQuery.GroupBy.FEATURE, null, UsageQuery.DEFAULT_LIMIT);
        var usage = ledger.overTime().usage(tenantId, query);
        var top = ledger.overTime().usage(tenantId, new UsageQuery(query.from(), query.to(), query.interval(), UsageQuery.GroupBy.USER,
                null, TOP_CONSUMERS));
        var charts = new ArrayList<Chart>();
        charts.add(overTime("usage-by-feature", "Consumption per " + query.interval().name().toLowerCase(Locale.ROOT)
                + " by feature", usage, new ChartColours(ledger.overTime().featureOrder(tenantId))));
        charts.add(topConsumers(top));
        var runway = ledger.overTime().tenantRunway(tenantId);
        model.addAttribute("panel", new Panel("usage-panel", "/app/tenants/" + tenantId + "/credits/usage-panel",
                daysOf(query), lower(query.interval()), RANGES, summary(usage, "The tenant", zone(tenantId)),
                tenantRunway(runway, ledger.summary(tenantId).map(Summary::totalAvailable).orElse(Credits.ZERO)),
                usage.total().thousandths() == 0, charts));
        return "usage/panel :: panel";
    }

    @GetMapping("/app/tenants/{tenantId}/credits/users/{userId}/usage-panel")
    String userPanel(@PathVariable TenantId tenantId, @PathVariable UserId userId,
            @RequestParam(defaultValue = "30") String days, @RequestParam(defaultValue = "day") String interval, Model model) {
        var user = directory.user(tenantId, userId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        personal(tenantId, user.id(), user.name(), "the credits last until",
                "/app/tenants/" + tenantId + "/credits/users/" + userId + "/usage-panel", days, interval, model);
        return "usage/panel :: panel";
    }

    @GetMapping("/app/tenants/{tenantId}/me/usage-panel")
    String ownPanel(@PathVariable TenantId tenantId, @AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "30") String days, @RequestParam(defaultValue = "day") String interval, Model model) {
        if (caller == null || caller.userId() == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "only people have their own usage");
        }
        requireTenant(tenantId);
        personal(tenantId, caller.userId(), "You", "your credits last until", "/app/tenants/" + tenantId + "/me/usage-panel",
                days, interval, model);
        return "usage/panel :: panel";
    }

    private void personal(TenantId tenantId, UserId user, String who, String lastsUntil, String url, String days,
            String interval, Model model) {
        var query = query(tenantId, days, interval, UsageQuery.GroupBy.FEATURE, user, UsageQuery.DEFAULT_LIMIT);
        var usage = ledger.overTime().usage(tenantId, query);
        var forecast = ledger.overTime().forecast(tenantId, user).users();
        String runway = forecast.isEmpty() ? "No credits allocated."
                : runway(forecast.getFirst().runway(), forecast.getFirst().available(), lastsUntil,
                        "The credits are used up.")
                        + (forecast.getFirst().runway().beforeNextGrant() ? " That is before the next allowance grant." : "");
        model.addAttribute("panel", new Panel("usage-panel", url, daysOf(query), lower(query.interval()), RANGES,
                summary(usage, who, zone(tenantId)), runway, usage.total().thousandths() == 0,
                List.of(overTime("usage-by-feature", "Consumption per " + lower(query.interval()) + " by feature", usage,
                        new ChartColours(ledger.overTime().featureOrder(tenantId))))));
    }

    /** The picker's values, read leniently: a screen falls back to the default where the API would refuse. */
    private UsageQuery query(TenantId tenant, String days, String interval, UsageQuery.GroupBy groupBy, UserId user, int limit) {
        int range = RANGES.contains(parse(days)) ? parse(days) : UsageQuery.DEFAULT_DAYS;
        var today = ledger.overTime().today(tenant);
        var width = switch (UsageQuery.parse(null, null, interval, null, null, null, today)) {
            case Outcome.Done<UsageQuery>(UsageQuery parsed) -> parsed.interval();
            case Refused<UsageQuery> refused -> UsageQuery.Interval.DAY;
        };
        return new UsageQuery(today.minusDays(range - 1L), today, width, groupBy, user, limit);
    }

    private static int parse(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return UsageQuery.DEFAULT_DAYS;
        }
    }

    private Chart overTime(String id, String title, Usage usage, ChartColours colours) {
        var labels = usage.series().isEmpty() ? List.<String>of()
                : usage.series().getFirst().points().stream().map(p -> label(p.date(), usage)).toList();
        List<Map<String, Object>> datasets = new ArrayList<>();
        for (var series : usage.series()) {
            datasets.add(Map.of("label", series.label(), "backgroundColor", colours.of(series.key()), "data",
                    series.points().stream().map(p -> p.consumed().toBigDecimal()).toList()));
        }
        var columns = new ArrayList<String>();
        columns.add(usage.interval() == UsageQuery.Interval.DAY ? "Day" : "From");
        usage.series().forEach(s -> columns.add(s.label()));
        var rows = new ArrayList<List<String>>();
        for (int i = 0; i < labels.size(); i++) {
            var row = new ArrayList<String>();
            row.add(labels.get(i));
            for (var series : usage.series()) {
                row.add(Display.credits(series.points().get(i).consumed()));
            }
            rows.add(row);
        }
        return new Chart(id, title, "bar", data(labels, datasets, false), columns, rows);
    }

    private Chart topConsumers(Usage top) {
        var labels = top.series().stream().map(Usage.Series::label).toList();
        var data = List.<Map<String, Object>>of(Map.of("label", "Consumed", "backgroundColor", ChartColours.PALETTE.getFirst(),
                "data", top.series().stream().map(s -> s.total().toBigDecimal()).toList()));
        var rows = top.series().stream().map(s -> List.of(s.label(), Display.credits(s.total()))).toList();
        return new Chart("top-consumers", "Top consumers", "bar", data(labels, data, true), List.of("User", "Consumed"), rows);
    }

    /** Chart.js's data, with "<" escaped so that no name can close the script element it sits in. */
    private String data(List<String> labels, List<Map<String, Object>> datasets, boolean horizontal) {
        var body = new LinkedHashMap<String, Object>();
        body.put("labels", labels);
        body.put("datasets", datasets);
        body.put("horizontal", horizontal);
        return json.writeValueAsString(body).replace("<", "\\u003c");
    }

    private static String label(LocalDate date, Usage usage) {
        return usage.from().getYear() == usage.to().getYear() ? DAY.format(date) : DAY_YEAR.format(date);
    }

    /**
     * The days are the tenant's (its time zone), while the history below a chart lists times in UTC: the sentence says
     * which, so that a charge at 23:00 UTC shown on the next day's bar in Auckland is not taken for a mistake.
     */
    private static String summary(Usage usage, String who, String zone) {
        String days = " (days in " + zone + ")";
        if (usage.total().thousandths() == 0) {
            return "No consumption from " + DAY_YEAR.format(usage.from()) + " to " + DAY_YEAR.format(usage.to()) + days + ".";
        }
        var sentence = new StringBuilder(who + " consumed " + Display.credits(usage.total()) + " credits from "
                + DAY_YEAR.format(usage.from()) + " to " + DAY_YEAR.format(usage.to()) + days);
        if (!usage.series().isEmpty()) {
            var largest = usage.series().getFirst();
            sentence.append("; most on ").append(largest.label()).append(" (").append(Display.credits(largest.total())).append(")");
        }
        return sentence.append('.').toString();
    }

    private String zone(TenantId tenant) {
        return settings.settings(tenant).map(Settings::timeZone).map(ZoneId::getId).orElse("UTC");
    }

    /** "At this pace (12.5 a day), the available credits last until ~Mar 3." */
    /** The tenant's runway sentence, on the Total Available card and above the tab's chart. */
    static String tenantRunway(Runway runway, Credits available) {
        return runway(runway, available, "the available credits last until", "The available credits are used up.");
    }

    static String runway(Runway runway, Credits available, String lastsUntil, String usedUp) {
        if (!available.isPositive()) {
            return usedUp;
        }
        if (runway.runsOutOn() == null) {
            return "No consumption in the last 14 days: no end in sight.";
        }
        return "At this pace (" + Display.credits(runway.dailyBurn()) + " a day), " + lastsUntil + " ~"
                + DAY_YEAR.format(runway.runsOutOn()) + ".";
    }

    private static int daysOf(UsageQuery query) {
        return (int) java.time.temporal.ChronoUnit.DAYS.between(query.from(), query.to()) + 1;
    }

    private static String lower(UsageQuery.Interval interval) {
        return interval.name().toLowerCase(Locale.ROOT);
    }

    private void requireTenant(TenantId tenantId) {
        directory.tenant(tenantId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }
}

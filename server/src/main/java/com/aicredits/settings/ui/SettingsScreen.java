package com.aicredits.settings.ui;

import com.aicredits.directory.Directory;
import com.aicredits.directory.Role;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.Credits;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.settings.Settings;
import com.aicredits.settings.SettingsChange;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.settings.TenantSettings;
import jakarta.servlet.http.HttpServletResponse;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/** The settings page of the AI Credits tab: the tenant's time zone, its alert thresholds and each role's default allowance. */
@Controller
@RequestMapping("/app/tenants/{tenantId}/settings")
class SettingsScreen {

    /** Every IANA zone, sorted, for the time zone list. */
    private static final List<String> ZONES = ZoneId.getAvailableZoneIds().stream()
            .filter(zone -> zone.contains("/") || zone.equals("UTC")).sorted().toList();

    /** One role's line of the form: its default as entered (credits blank = none). */
    public record RoleLine(String role, String credits, String period, String mode) {
    }

    /** The alert thresholds as entered (blank = off), so a refused form shows back what was typed. */
    public record AlertLine(String userLowPercent, boolean userExhausted, String poolUnassignedBelow,
            String tenantAvailableBelowPercent) {
        static AlertLine of(Settings.Alerts alerts) {
            return new AlertLine(text(alerts.userLowPercent()), alerts.userExhausted(),
                    alerts.poolUnassignedBelow() == null ? "" : alerts.poolUnassignedBelow().toString(),
                    text(alerts.tenantAvailableBelowPercent()));
        }

        private static String text(Integer percent) {
            return percent == null ? "" : percent.toString();
        }
    }

    private final TenantSettings settings;
    private final Directory directory;

    SettingsScreen(TenantSettings settings, Directory directory) {
        this.settings = settings;
        this.directory = directory;
    }

    @GetMapping
    String page(@PathVariable("tenantId") TenantId tenant, Model model) {
        var current = settings.settings(tenant).orElseThrow(SettingsScreen::notFound);
        return render(tenant, current.timeZone().getId(), lines(current), AlertLine.of(current.alerts()), null, null, model);
    }

    @PostMapping
    String save(@PathVariable("tenantId") TenantId tenant, @RequestParam(required = false) String timeZone,
            @RequestParam MultiValueMap<String, String> form, Model model, HttpServletResponse response) {
        var lines = new java.util.ArrayList<RoleLine>();
        var defaults = new EnumMap<Role, Optional<AllowanceTerms>>(Role.class);
        String error = null;
        for (Role role : Role.values()) {
            var line = new RoleLine(role.name(), value(form, role + ".credits"), value(form, role + ".period"),
                    value(form, role + ".mode"));
            lines.add(line);
            if (line.credits().isEmpty()) {
                defaults.put(role, Optional.empty());
                continue;
            }
            var credits = Credits.parse(line.credits());
            var period = Period.parse(line.period());
            var mode = AllowanceMode.parse(line.mode());
            if (credits instanceof Credits.Entered.Invalid invalid) {
                error = error != null ? error : role + ": " + invalid.message() + ".";
            } else if (period.isEmpty() || mode.isEmpty()) {
                error = error != null ? error : role + ": choose every month or every week, and reset or top up.";
            } else {
                defaults.put(role, Optional.of(new AllowanceTerms(credits.orElseThrow(), period.get(), mode.get())));
            }
        }
        // The alert fields are on the form since the thresholds became editable here; a post without them keeps them.
        boolean alertsShown = form.containsKey("alerts.shown");
        var alertLine = new AlertLine(value(form, "alerts.userLowPercent"), form.containsKey("alerts.userExhausted"),
                value(form, "alerts.poolUnassignedBelow"), value(form, "alerts.tenantAvailableBelowPercent"));
        SettingsChange.AlertsChange alerts = null;
        if (alertsShown) {
            var low = percent(alertLine.userLowPercent());
            var available = percent(alertLine.tenantAvailableBelowPercent());
            var pool = alertLine.poolUnassignedBelow().isEmpty() ? null : Credits.parse(alertLine.poolUnassignedBelow());
            if (low == null) {
                error = error != null ? error : "Low balance alert: enter a whole percentage from 0 to 100, or leave it empty for no alert.";
            } else if (available == null) {
                error = error != null ? error : "Tenant available alert: enter a whole percentage from 0 to 100, or leave it empty for no alert.";
            } else if (pool instanceof Credits.Entered.Invalid invalid) {
                error = error != null ? error : "Unassigned pool alert: " + invalid.message() + ".";
            } else {
                alerts = new SettingsChange.AlertsChange(low, alertLine.userExhausted(),
                        pool == null ? Optional.empty() : Optional.of(pool.orElseThrow()), available);
            }
        }
        if (error == null) {
            var result = settings.change(tenant, new SettingsChange(timeZone, null, null, alerts, defaults));
            switch (result) {
                case Refused<Settings> refused -> error = switch (refused.reason()) {
                    case INVALID_TIME_ZONE -> "Choose a time zone from the list.";
                    default -> refused.field() != null && refused.field().startsWith("alerts.")
                            ? ALERT_LABELS.getOrDefault(refused.field(), "Alerts") + ": " + refused.message() + "."
                            : refused.message();
                };
                case Outcome.Done<Settings>(var saved) -> {
                    return render(tenant, saved.timeZone().getId(), lines(saved), AlertLine.of(saved.alerts()), null,
                            "Settings saved.", model);
                }
            }
        }
        response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
        if (!alertsShown) {
            alertLine = AlertLine.of(settings.settings(tenant).orElseThrow(SettingsScreen::notFound).alerts());
        }
        return render(tenant, timeZone, lines, alertLine, error, null, model);
    }

    private static final java.util.Map<String, String> ALERT_LABELS = java.util.Map.of(
            "alerts.userLowPercent", "Low balance alert", "alerts.tenantAvailableBelowPercent", "Tenant available alert",
            "alerts.poolUnassignedBelow", "Unassigned pool alert");

    /** Blank is off ({@code Optional.empty()}); null when the text is no whole number from 0 to 100. */
    private static Optional<Integer> percent(String text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            int percent = Integer.parseInt(text);
            return percent >= 0 && percent <= 100 ? Optional.of(percent) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String render(TenantId tenant, String zone, List<RoleLine> lines, AlertLine alerts, String error,
            String saved, Model model) {
        model.addAttribute("tenant", directory.tenant(tenant).orElseThrow(SettingsScreen::notFound));
        model.addAttribute("base", "/app/tenants/" + tenant.value());
        model.addAttribute("zones", ZONES);
        model.addAttribute("zone", zone);
        model.addAttribute("roles", lines);
        model.addAttribute("alerts", alerts);
        model.addAttribute("error", error);
        model.addAttribute("saved", saved);
        return "settings/page";
    }

    private static List<RoleLine> lines(Settings settings) {
        return java.util.Arrays.stream(Role.values()).map(role -> {
            var terms = settings.allowanceDefaults().get(role);
            return terms == null ? new RoleLine(role.name(), "", Period.MONTHLY.name(), AllowanceMode.RESET.name())
                    : new RoleLine(role.name(), terms.credits().toString(), terms.period().name(), terms.mode().name());
        }).toList();
    }

    private static String value(MultiValueMap<String, String> form, String name) {
        var value = form.getFirst(name);
        return value == null ? "" : value.strip();
    }

    private static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND);
    }
}

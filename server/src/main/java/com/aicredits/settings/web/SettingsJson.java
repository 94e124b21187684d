package com.aicredits.settings.web;

import com.aicredits.directory.Role;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.settings.Settings;
import com.aicredits.settings.SettingsChange.AlertsChange;
import com.aicredits.settings.SettingsChange;
import com.aicredits.shared.Credits;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The settings' JSON, both ways. A PATCH is read field by field from the tree, because "absent" (keep) and
 * null (turn off) mean different things for an alert threshold or a role default.
 */
final class SettingsJson {

    private SettingsJson() {
    }

    record DefaultTermsJson(BigDecimal credits, @Schema(implementation = Period.class) String period,
            @Schema(implementation = AllowanceMode.class) String mode) {
        /** Null for none. */
        static DefaultTermsJson of(AllowanceTerms t) {
            return t == null ? null : new DefaultTermsJson(t.credits().toBigDecimal(), t.period().name(), t.mode().name());
        }
    }

    /** A threshold that is null is off. */
    record AlertsJson(@Schema(nullable = true) Integer userLowPercent, boolean userExhausted,
            @Schema(nullable = true) BigDecimal poolUnassignedBelow,
            @Schema(nullable = true) Integer tenantAvailableBelowPercent) {
    }

    /** A role's default allowance, or null: none. One field per {@link Role}, named as the role is. */
    record RoleDefaultsJson(@JsonProperty("Admin") @Schema(nullable = true) DefaultTermsJson admin,
            @JsonProperty("Planner") @Schema(nullable = true) DefaultTermsJson planner,
            @JsonProperty("Viewer") @Schema(nullable = true) DefaultTermsJson viewer) {
        static RoleDefaultsJson of(Map<Role, AllowanceTerms> defaults) {
            return new RoleDefaultsJson(DefaultTermsJson.of(defaults.get(Role.Admin)),
                    DefaultTermsJson.of(defaults.get(Role.Planner)), DefaultTermsJson.of(defaults.get(Role.Viewer)));
        }
    }

    record SettingsView(String timeZone, int maxHoldsPerUser, boolean reclaimOnDeactivate, AlertsJson alerts,
            RoleDefaultsJson allowanceDefaults) {
        static SettingsView of(Settings s) {
            var a = s.alerts();
            return new SettingsView(s.timeZone().getId(), s.maxHoldsPerUser(), s.reclaimOnDeactivate(),
                    new AlertsJson(a.userLowPercent(), a.userExhausted(),
                            a.poolUnassignedBelow() == null ? null : a.poolUnassignedBelow().toBigDecimal(),
                            a.tenantAvailableBelowPercent()), RoleDefaultsJson.of(s.allowanceDefaults()));
        }
    }

    /** The PATCH body as the OpenAPI document describes it (the controller reads the tree, see {@link #change}). */
    record SettingsPatch(String timeZone, Integer maxHoldsPerUser, Boolean reclaimOnDeactivate, AlertsJson alerts,
            RoleDefaultsJson allowanceDefaults) {
    }

    /** A field the caller got wrong: the problem's code and the field's name. */
    static final class Malformed extends RuntimeException {
        final String code;
        final String field;

        Malformed(String code, String field, String message) {
            super(message, null, false, false);
            this.code = code;
            this.field = field;
        }
    }

    private static final Set<String> TOP = Set.of("timeZone", "maxHoldsPerUser", "reclaimOnDeactivate", "alerts",
            "allowanceDefaults");
    private static final Set<String> ALERTS = Set.of("userLowPercent", "userExhausted", "poolUnassignedBelow",
            "tenantAvailableBelowPercent");
    private static final Set<String> TERMS = Set.of("credits", "period", "mode");

    static SettingsChange change(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new Malformed("VALIDATION_FAILED", "body", "the body is a JSON object of the settings to change");
        }
        known(body, TOP, "");
        String zone = null;
        if (body.has("timeZone")) {
            zone = text(body.get("timeZone"), "timeZone");
        }
        Integer holds = body.has("maxHoldsPerUser") ? integer(body.get("maxHoldsPerUser"), "maxHoldsPerUser") : null;
        Boolean reclaim = body.has("reclaimOnDeactivate") ? bool(body.get("reclaimOnDeactivate"), "reclaimOnDeactivate") : null;
        AlertsChange alerts = body.has("alerts") ? alerts(body.get("alerts")) : null;
        Map<Role, Optional<AllowanceTerms>> defaults = body.has("allowanceDefaults")
                ? defaults(body.get("allowanceDefaults")) : null;
        return new SettingsChange(zone, holds, reclaim, alerts, defaults);
    }

    private static AlertsChange alerts(JsonNode node) {
        if (!node.isObject()) {
            throw new Malformed("VALIDATION_FAILED", "alerts", "alerts is an object");
        }
        known(node, ALERTS, "alerts.");
        if (node.isEmpty()) {
            throw new Malformed("VALIDATION_FAILED", "alerts", "alerts names at least one alert to change");
        }
        return new AlertsChange(
                node.has("userLowPercent") ? nullable(node.get("userLowPercent"), n -> integer(n, "alerts.userLowPercent")) : null,
                node.has("userExhausted") ? bool(node.get("userExhausted"), "alerts.userExhausted") : null,
                node.has("poolUnassignedBelow") ? nullable(node.get("poolUnassignedBelow"),
                        n -> amount(n, "alerts.poolUnassignedBelow")) : null,
                node.has("tenantAvailableBelowPercent") ? nullable(node.get("tenantAvailableBelowPercent"),
                        n -> integer(n, "alerts.tenantAvailableBelowPercent")) : null);
    }

    private static Map<Role, Optional<AllowanceTerms>> defaults(JsonNode node) {
        if (!node.isObject()) {
            throw new Malformed("VALIDATION_FAILED", "allowanceDefaults", "allowanceDefaults is an object keyed by role");
        }
        if (node.isEmpty()) {
            throw new Malformed("VALIDATION_FAILED", "allowanceDefaults", "allowanceDefaults names at least one role");
        }
        var defaults = new EnumMap<Role, Optional<AllowanceTerms>>(Role.class);
        for (var entry : node.properties()) {
            var role = Role.parse(entry.getKey()).filter(r -> r.name().equals(entry.getKey()))
                    .orElseThrow(() -> new Malformed("VALIDATION_FAILED", "allowanceDefaults",
                            "allowanceDefaults has the keys Admin, Planner and Viewer"));
            defaults.put(role, nullable(entry.getValue(), n -> terms(n, "allowanceDefaults." + role.name())));
        }
        return defaults;
    }

    /** An allowance's terms as the allowance endpoints and the role defaults take them. */
    static AllowanceTerms terms(JsonNode node, String field) {
        if (!node.isObject()) {
            throw new Malformed("VALIDATION_FAILED", field, field + " is {credits, period, mode} or null");
        }
        known(node, TERMS, field + ".");
        if (!node.has("credits") || node.get("credits").isNull()) {
            throw new Malformed("INVALID_AMOUNT", field + ".credits", "credits is required");
        }
        var credits = amount(node.get("credits"), field + ".credits");
        var period = node.get("period") != null && node.get("period").isString()
                ? Period.parse(node.get("period").stringValue()) : Optional.<Period>empty();
        var mode = node.get("mode") != null && node.get("mode").isString()
                ? AllowanceMode.parse(node.get("mode").stringValue()) : Optional.<AllowanceMode>empty();
        return new AllowanceTerms(credits,
                period.orElseThrow(() -> new Malformed("INVALID_PERIOD", field + ".period", "period is MONTHLY or WEEKLY")),
                mode.orElseThrow(() -> new Malformed("INVALID_MODE", field + ".mode", "mode is RESET or TOP_UP")));
    }

    private static void known(JsonNode node, Set<String> names, String prefix) {
        for (String name : node.propertyNames()) {
            if (!names.contains(name)) {
                throw new Malformed("VALIDATION_FAILED", prefix + name, "unknown field '" + prefix + name + "'");
            }
        }
    }

    private static <T> Optional<T> nullable(JsonNode node, java.util.function.Function<JsonNode, T> read) {
        return node.isNull() ? Optional.empty() : Optional.of(read.apply(node));
    }

    private static String text(JsonNode node, String field) {
        if (!node.isString()) {
            throw new Malformed("VALIDATION_FAILED", field, field + " is a string");
        }
        return node.stringValue();
    }

    private static Integer integer(JsonNode node, String field) {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new Malformed("VALIDATION_FAILED", field, field + " is a whole number");
        }
        return node.intValue();
    }

    private static Boolean bool(JsonNode node, String field) {
        if (!node.isBoolean()) {
            throw new Malformed("VALIDATION_FAILED", field, field + " is true or false");
        }
        return node.booleanValue();
    }

    private static Credits amount(JsonNode node, String field) {
        if (!node.isNumber()) {
            throw new Malformed("INVALID_AMOUNT", field, field + " is a number of credits");
        }
        return switch (Credits.parse(node.decimalValue())) {
            case Credits.Entered.Valid valid -> valid.credits();
            case Credits.Entered.Invalid invalid -> throw new Malformed("INVALID_AMOUNT", field,
                    field + ": " + invalid.message());
        };
    }
}

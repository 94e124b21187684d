package com.aicredits.ledger.web;

import com.aicredits.api.Problems;
import com.aicredits.api.Refusals;
import com.aicredits.directory.Directory;
import com.aicredits.ledger.Forecast;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.Runway;
import com.aicredits.ledger.Usage;
import com.aicredits.ledger.UsageQuery;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Usage over time and runway (SPEC part two): the charts' figures and who runs out when. */
@RestController
@RequestMapping("/api/v1/tenants/{tenantId}/credits")
@Tag(name = "Usage over time", description = "Scope: admin key, Admin session, or platform; a signed-in user for their "
        + "own figures (userId = themselves).")
class UsageController {

    /** The most users one forecast lists. */
    static final int FORECAST_LIMIT_MAX = 1000;

    private final Ledger ledger;
    private final Directory directory;

    UsageController(Ledger ledger, Directory directory) {
        this.ledger = ledger;
        this.directory = directory;
    }

    record PointJson(LocalDate date, BigDecimal consumed) {
    }

    record SeriesJson(String key, String label, BigDecimal total, List<PointJson> points) {
    }

    record UsageJson(LocalDate from, LocalDate to, String interval, BigDecimal total, List<SeriesJson> series) {
        static UsageJson of(Usage u) {
            return new UsageJson(u.from(), u.to(), u.interval().name().toLowerCase(Locale.ROOT), amount(u.total()),
                    u.series().stream().map(s -> new SeriesJson(s.key(), s.label(), amount(s.total()), s.points().stream()
                            .map(p -> new PointJson(p.date(), amount(p.consumed()))).toList())).toList());
        }
    }

    record TenantRunwayJson(BigDecimal available, BigDecimal dailyBurn,
            @Schema(nullable = true, description = "null: nothing consumed in 14 days") LocalDate runsOutOn) {
    }

    record UserRunwayJson(UUID userId, String name, BigDecimal available, BigDecimal dailyBurn,
            @Schema(nullable = true) LocalDate runsOutOn, @Schema(nullable = true) Instant nextGrantAt,
            boolean runsOutBeforeNextGrant) {
    }

    record ForecastJson(@Schema(nullable = true, description = "null when the forecast is of one user")
            TenantRunwayJson tenant, List<UserRunwayJson> users) {
        static ForecastJson of(Forecast f) {
            Runway t = f.tenant();
            return new ForecastJson(t == null ? null : new TenantRunwayJson(amount(f.tenantAvailable()),
                    amount(t.dailyBurn()), t.runsOutOn()),
                    f.users().stream().map(u -> new UserRunwayJson(u.userId().value(), u.name(), amount(u.available()),
                            amount(u.runway().dailyBurn()), u.runway().runsOutOn(), u.nextGrantAt(),
                            u.runway().beforeNextGrant())).toList());
        }
    }

    @GetMapping("/usage")
    @Operation(summary = "Consumption over time, counted on the day (tenant time zone) it was settled or charged",
            description = "from and to: ISO dates, both included, default the last 30 days; interval day, week (from "
                    + "Monday) or month; groupBy none, feature or user; limit: the largest series, 1 to 100, default 10 "
                    + "(total counts every series). Errors: INVALID_DATE_RANGE, INVALID_INTERVAL, INVALID_GROUP_BY, "
                    + "VALIDATION_FAILED (limit, userId).")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = UsageJson.class)))
    ResponseEntity<Object> usage(@PathVariable TenantId tenantId,
            @Parameter(description = "ISO date", schema = @Schema(type = "string", format = "date"))
                    @RequestParam(required = false) String from,
            @Parameter(description = "ISO date", schema = @Schema(type = "string", format = "date"))
                    @RequestParam(required = false) String to,
            @Parameter(description = "day, week or month", schema = @Schema(allowableValues = {"day", "week", "month"}))
                    @RequestParam(required = false) String interval,
            @Parameter(description = "none, feature or user", schema = @Schema(allowableValues = {"none", "feature", "user"}))
                    @RequestParam(required = false) String groupBy,
            @Parameter(description = "one user's consumption", schema = @Schema(type = "string", format = "uuid"))
                    @RequestParam(required = false) String userId,
            @Parameter(description = "1 to 100", schema = @Schema(type = "integer", minimum = "1", maximum = "100"))
                    @RequestParam(required = false) String limit) {
        if (directory.tenant(tenantId).isEmpty()) {
            return Problems.notFound("tenant");
        }
        UserId user = null;
        if (userId != null && !userId.isBlank()) {
            var parsed = userId(tenantId, userId);
            if (parsed.problem() != null) {
                return parsed.problem();
            }
            user = parsed.user();
        }
        return switch (UsageQuery.parse(from, to, interval, groupBy, user, limit, ledger.overTime().today(tenantId))) {
            case Outcome.Done<UsageQuery>(UsageQuery query) -> ResponseEntity.ok(UsageJson.of(ledger.overTime().usage(tenantId, query)));
            case Refused<UsageQuery> refused -> Refusals.response(refused, false);
        };
    }

    @GetMapping("/forecast")
    @Operation(summary = "Runways at the pace of the last 14 days: the tenant's total available, and the users who run "
            + "out within 14 days or before their next allowance grant, soonest first",
            description = "dailyBurn = consumption of the last 14 days (today included) / 14; runsOutOn: the day the "
                    + "available credits reach zero at that pace (today when already out, null without consumption). "
                    + "With userId: that user's own figures, at risk or not, and tenant null.")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = ForecastJson.class)))
    ResponseEntity<Object> forecast(@PathVariable TenantId tenantId,
            @Parameter(description = "one user's own figures", schema = @Schema(type = "string", format = "uuid"))
                    @RequestParam(required = false) String userId,
            @Parameter(description = "the most users listed, 1 to 1000, default 100", schema = @Schema(type = "integer", minimum = "1", maximum = "1000"))
                    @RequestParam(required = false) String limit) {
        if (directory.tenant(tenantId).isEmpty()) {
            return Problems.notFound("tenant");
        }
        if (userId != null && !userId.isBlank()) {
            var parsed = userId(tenantId, userId);
            return parsed.problem() != null ? parsed.problem()
                    : ResponseEntity.ok(ForecastJson.of(ledger.overTime().forecast(tenantId, parsed.user())));
        }
        int top = 100;
        if (limit != null && !limit.isBlank()) {
            try {
                top = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                top = 0;
            }
            if (top < 1 || top > FORECAST_LIMIT_MAX) {
                return Problems.invalid("limit", "limit is a whole number from 1 to " + FORECAST_LIMIT_MAX);
            }
        }
        return ResponseEntity.ok(ForecastJson.of(ledger.overTime().forecast(tenantId, top)));
    }

    private record ParsedUser(UserId user, ResponseEntity<Object> problem) {
    }

    /** A user of this tenant: a malformed id is VALIDATION_FAILED, an unknown one (or another tenant's) NOT_FOUND. */
    private ParsedUser userId(TenantId tenant, String text) {
        UUID id;
        try {
            id = UUID.fromString(text.strip());
        } catch (IllegalArgumentException e) {
            return new ParsedUser(null, Problems.invalid("userId", "userId is a UUID"));
        }
        var user = new UserId(id);
        return directory.user(tenant, user).isPresent() ? new ParsedUser(user, null)
                : new ParsedUser(null, Problems.notFound("user"));
    }

    private static BigDecimal amount(Credits credits) {
        return credits.toBigDecimal();
    }
}

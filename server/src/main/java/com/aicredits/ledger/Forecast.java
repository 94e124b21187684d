package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * When the credits run out at the pace of the last 14 days: the tenant's total available, and the users at risk,
 * soonest first. {@code tenant} is null when only one user's own figures were asked for.
 */
public record Forecast(Runway tenant, Credits tenantAvailable, List<UserForecast> users) {

    public record UserForecast(UserId userId, String name, Credits available, Runway runway, Instant nextGrantAt) {
    }
}

package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import java.time.LocalDate;

/**
 * A pace and where it leads: {@code dailyBurn} is the consumption of the last 14 days (today included) divided by 14;
 * {@code runsOutOn} the day the available credits reach zero at that pace (runs_out_on in V18__usage_rollups.sql:
 * today when already out, null when nothing was consumed); {@code beforeNextGrant} whether that day comes before
 * the user's next allowance grant (always false without an allowance).
 */
public record Runway(Credits dailyBurn, LocalDate runsOutOn, boolean beforeNextGrant) {

    public static final int PACE_DAYS = 14;

    static Credits dailyBurn(long consumedInPaceDays) {
        return new Credits(Math.floorDiv(consumedInPaceDays, PACE_DAYS));
    }
}

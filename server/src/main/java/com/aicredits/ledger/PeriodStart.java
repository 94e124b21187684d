package com.aicredits.ledger;

import com.aicredits.settings.Period;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;

/**
 * One calendar period of an allowance: its kind and its first day in {@code zone}. (period, start) is part of
 * a grant's identity: a user is granted at most once for it.
 */
public record PeriodStart(Period period, LocalDate start, ZoneId zone) {

    public PeriodStart {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(zone, "zone");
    }

    /** What the grant's entries carry in their reference: "MONTHLY 2026-12-01". */
    String key() {
        return period + " " + start;
    }

    /** The note on the grant's entries, for people: "allowance for the month from 2026-12-01 (Europe/Berlin)". */
    String note(String mode) {
        return "allowance (" + mode + ") for the " + (period == Period.MONTHLY ? "month" : "week") + " from " + start
                + " (" + zone.getId() + ")";
    }
}

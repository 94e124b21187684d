package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import java.time.LocalDate;
import java.util.List;

/**
 * Consumption over a range of days, counted on the day (in the tenant's time zone) it was settled or charged.
 * {@code total} is everything consumed in the range, also by series left out beyond the limit; each series has a
 * point per interval of the range, zeros included, so charts need no gap filling.
 */
public record Usage(LocalDate from, LocalDate to, UsageQuery.Interval interval, Credits total, List<Series> series) {

    /** A feature, a user (key: their id) or everything (key {@code total}). */
    public record Series(String key, String label, Credits total, List<Point> points) {
    }

    /** {@code date}: the first day of the interval (or the range's first day, for a cut interval). */
    public record Point(LocalDate date, Credits consumed) {
    }
}

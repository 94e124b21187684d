package com.aicredits.settings;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import org.springframework.stereotype.Component;

/**
 * The period arithmetic, in one place: a period starts at 00:00 on its first day (the 1st of a month, a Monday)
 * in the tenant's time zone. A period is named by that first day, a date in the zone in force when it is
 * granted; that date is part of a grant's identity, so changing the zone mid-period never grants one calendar
 * period twice (the current period's first day is the same date in the new zone, or a later one).
 *
 * <p>Days are calendar days, not 24 hours: a week over a daylight-saving change lasts 167 or 169 hours, and where
 * a zone skips midnight itself, the day starts at its first valid instant ({@link LocalDate#atStartOfDay(ZoneId)}).
 */
@Component
public class Calendar {

    private final Clock clock;

    public Calendar(Clock clock) {
        this.clock = clock;
    }

    /** The first day of the period running now in {@code zone}. */
    public LocalDate currentStart(Period period, ZoneId zone) {
        return startOf(period, LocalDate.ofInstant(clock.instant(), zone));
    }

    /** When the next period begins: the instant the period after the current one starts. */
    public Instant nextStart(Period period, ZoneId zone) {
        return following(period, currentStart(period, zone)).atStartOfDay(zone).toInstant();
    }

    /** The first day of the period that contains {@code day}. */
    public static LocalDate startOf(Period period, LocalDate day) {
        return switch (period) {
            case MONTHLY -> day.withDayOfMonth(1);
            case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        };
    }

    /** The first day of the period after the one starting on {@code start}. */
    public static LocalDate following(Period period, LocalDate start) {
        return switch (period) {
            case MONTHLY -> start.plusMonths(1);
            case WEEKLY -> start.plusWeeks(1);
        };
    }
}

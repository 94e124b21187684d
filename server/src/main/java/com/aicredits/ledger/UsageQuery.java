package com.aicredits.ledger;

import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a usage chart asks for: a range of days in the tenant's time zone (both ends included), the width of each
 * point, how to split the consumption into series, optionally one user, and how many series at most (the largest).
 */
public record UsageQuery(LocalDate from, LocalDate to, Interval interval, GroupBy groupBy, UserId user, int limit) {

    public static final int DEFAULT_DAYS = 30;
    /** The longest range: two years of days is 731 points, as many as a chart can still show. */
    public static final int RANGE_DAYS_MAX = 731;
    public static final int DEFAULT_LIMIT = 10;
    public static final int LIMIT_MAX = 100;

    /** The dates a range may name: a ledger has no entry before 1970, and PostgreSQL and ISO agree up to 9999. */
    static final LocalDate EARLIEST = LocalDate.of(1970, 1, 1);
    static final LocalDate LATEST = LocalDate.of(9999, 12, 31);

    public enum Interval { DAY, WEEK, MONTH }

    public enum GroupBy { NONE, FEATURE, USER }

    public UsageQuery {
        if (from.isAfter(to) || ChronoUnit.DAYS.between(from, to) >= RANGE_DAYS_MAX || limit < 1 || limit > LIMIT_MAX) {
            throw new IllegalArgumentException("a range of 1 to " + RANGE_DAYS_MAX + " days and 1 <= limit <= " + LIMIT_MAX);
        }
    }

    /** The last 30 days to today, per day, not split. */
    public static UsageQuery lastDays(LocalDate today, int days, GroupBy groupBy, UserId user) {
        return new UsageQuery(today.minusDays(days - 1L), today, Interval.DAY, groupBy, user, DEFAULT_LIMIT);
    }

    /**
     * The query's parameters as the API receives them, each refused with its own code: INVALID_DATE_RANGE for a date
     * that does not parse or lies outside 1970 to 9999, a range that ends before it starts or is longer than two years; INVALID_INTERVAL,
     * INVALID_GROUP_BY; VALIDATION_FAILED (field limit) for a limit that is not 1 to 100. Missing dates default to the
     * 30 days ending {@code today} (or starting at {@code from}, or ending at {@code to}).
     */
    public static Outcome<UsageQuery> parse(String from, String to, String interval, String groupBy, UserId user,
            String limit, LocalDate today) {
        Optional<LocalDate> start = date(from);
        Optional<LocalDate> end = date(to);
        if (!blank(from) && start.isEmpty() || !blank(to) && end.isEmpty()) {
            return new Refused<>(Refusal.INVALID_DATE_RANGE, "from and to are ISO dates, such as 2026-03-01", null,
                    !blank(from) && start.isEmpty() ? "from" : "to");
        }
        LocalDate last = end.orElseGet(() -> start.map(s -> s.plusDays(DEFAULT_DAYS - 1L)).orElse(today));
        if (last.isAfter(LATEST)) {
            return new Refused<>(Refusal.INVALID_DATE_RANGE, "a range ends by 9999-12-31", null, "from");
        }
        LocalDate first = start.orElse(last.minusDays(DEFAULT_DAYS - 1L));
        if (first.isBefore(EARLIEST)) {
            return new Refused<>(Refusal.INVALID_DATE_RANGE, "a range starts on 1970-01-01 or later", null, "to");
        }
        if (first.isAfter(last)) {
            return new Refused<>(Refusal.INVALID_DATE_RANGE, "from is after to", null, "from");
        }
        if (ChronoUnit.DAYS.between(first, last) >= RANGE_DAYS_MAX) {
            return new Refused<>(Refusal.INVALID_DATE_RANGE, "a range has at most " + RANGE_DAYS_MAX + " days", null, "to");
        }
        var width = blank(interval) ? Optional.of(Interval.DAY) : named(Interval.values(), interval);
        if (width.isEmpty()) {
            return new Refused<>(Refusal.INVALID_INTERVAL, "interval is day, week or month", null, "interval");
        }
        var split = blank(groupBy) ? Optional.of(GroupBy.NONE) : named(GroupBy.values(), groupBy);
        if (split.isEmpty()) {
            return new Refused<>(Refusal.INVALID_GROUP_BY, "groupBy is none, feature or user", null, "groupBy");
        }
        int top = DEFAULT_LIMIT;
        if (!blank(limit)) {
            try {
                top = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                top = 0;
            }
            if (top < 1 || top > LIMIT_MAX) {
                return Refused.invalid("limit", "limit is a whole number from 1 to " + LIMIT_MAX);
            }
        }
        return Outcome.done(new UsageQuery(first, last, width.get(), split.get(), user, top));
    }

    /** The first day of the point {@code day} falls in (a week starts on Monday, a month on the 1st), not before from. */
    public LocalDate pointOf(LocalDate day) {
        LocalDate start = switch (interval) {
            case DAY -> day;
            case WEEK -> day.minusDays(day.getDayOfWeek().getValue() - 1L);
            case MONTH -> day.withDayOfMonth(1);
        };
        return start.isBefore(from) ? from : start;
    }

    /** The day after {@code point}'s last. */
    LocalDate nextPoint(LocalDate point) {
        return switch (interval) {
            case DAY -> point.plusDays(1);
            case WEEK -> point.minusDays(point.getDayOfWeek().getValue() - 1L).plusDays(7);
            case MONTH -> point.withDayOfMonth(1).plusMonths(1);
        };
    }

    private static Optional<LocalDate> date(String text) {
        if (blank(text)) {
            return Optional.empty();
        }
        try {
            var date = LocalDate.parse(text.strip());
            return date.isBefore(EARLIEST) || date.isAfter(LATEST) ? Optional.empty() : Optional.of(date);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static <E extends Enum<E>> Optional<E> named(E[] values, String text) {
        String wanted = text.strip().toUpperCase(Locale.ROOT);
        return Arrays.stream(values).filter(v -> v.name().equals(wanted)).findFirst();
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}

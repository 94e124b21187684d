package com.aicredits.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * What a history page narrows the entries to; every part optional (null: no narrowing). {@code from} and {@code to}
 * are whole UTC days, both included, as the page shows its times in UTC; {@code feature} is matched exactly.
 */
public record HistoryFilter(EntryType type, LocalDate from, LocalDate to, String feature) {

    public static final HistoryFilter NONE = new HistoryFilter(null, null, null, null);

    public HistoryFilter {
        feature = feature == null || feature.isBlank() ? null : feature.strip();
    }

    /** Only the type, as the API's entries endpoint filters. */
    public static HistoryFilter of(EntryType type) {
        return new HistoryFilter(type, null, null, null);
    }

    Instant fromAt() {
        return from == null ? null : from.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The first instant after the range. */
    Instant untilAt() {
        return to == null ? null : to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}

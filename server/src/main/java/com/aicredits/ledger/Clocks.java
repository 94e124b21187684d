package com.aicredits.ledger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

final class Clocks {

    private Clocks() {
    }

    /** Set only while {@link #dated} runs, on its thread alone. */
    private static final ThreadLocal<Instant> DATED = new ThreadLocal<>();

    /** PostgreSQL keeps microseconds: a first answer and its replay must show the same instant. */
    static Instant now(Clock clock) {
        Instant dated = DATED.get();
        return (dated != null ? dated : clock.instant()).truncatedTo(ChronoUnit.MICROS);
    }

    /** Runs {@code work} with {@link #now} answering {@code at} on this thread (Ledger.backdated says who may). */
    static <T> T dated(Instant at, Supplier<T> work) {
        Instant outer = DATED.get();
        DATED.set(at);
        try {
            return work.get();
        } finally {
            if (outer == null) {
                DATED.remove();
            } else {
                DATED.set(outer);
            }
        }
    }
}

package com.aicredits.ledger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

final class Clocks {

    private Clocks() {
    }

    /** PostgreSQL keeps microseconds: a first answer and its replay must show the same instant. */
    static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}

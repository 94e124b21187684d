package com.aicredits.settings;

import java.util.Arrays;
import java.util.Optional;

/** How often an allowance recurs: a month starts on the 1st, a week on Monday, both at 00:00 in the tenant's time zone. */
public enum Period {
    MONTHLY, WEEKLY;

    /** Exactly as the API spells it; anything else is INVALID_PERIOD. */
    public static Optional<Period> parse(String text) {
        return Arrays.stream(values()).filter(p -> p.name().equals(text)).findFirst();
    }
}

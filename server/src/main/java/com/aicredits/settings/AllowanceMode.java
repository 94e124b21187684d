package com.aicredits.settings;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a period start does (SPEC part two, "Allowances"). RESET: the removable credits, max(0, remaining - held),
 * go back to the pool, then the allowance is added (a debt is paid from it: -5 with 100 becomes 95). TOP_UP: add
 * max(0, allowance - remaining), so unused credits carry over up to the allowance.
 */
public enum AllowanceMode {
    RESET, TOP_UP;

    /** Exactly as the API spells it; anything else is INVALID_MODE. */
    public static Optional<AllowanceMode> parse(String text) {
        return Arrays.stream(values()).filter(m -> m.name().equals(text)).findFirst();
    }
}

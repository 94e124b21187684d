package com.aicredits.client;

import java.math.BigDecimal;

/**
 * Refused, and nothing changed. A refusal is a value, never an exception: a feature handles "no credits"
 * as routinely as "yes". {@code available} is set with CREDITS_EXHAUSTED.
 */
public record Refused(Reason reason, String code, String message, BigDecimal available)
        implements AuthorizeOutcome, SettleOutcome, VoidOutcome {

    public enum Reason {
        NO_ALLOCATION, CREDITS_EXHAUSTED, TOO_MANY_IN_FLIGHT, USER_INACTIVE, REQUEST_ID_REUSED, ALREADY_SETTLED,
        ALREADY_VOIDED, NOT_FOUND, INVALID_AMOUNT, VALIDATION_FAILED,
        /** Settle or void after the request's settle deadline: it can no longer be recorded. */
        REQUEST_EXPIRED,
        /** A code this version of the client does not know; {@link Refused#code()} has it. */
        OTHER;

        static Reason of(String code) {
            for (Reason reason : values()) {
                if (reason.name().equals(code)) {
                    return reason;
                }
            }
            return OTHER;
        }
    }
}

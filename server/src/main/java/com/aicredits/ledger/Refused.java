package com.aicredits.ledger;

/**
 * An expected refusal, returned as a value. {@code limit} carries the figure the caller needs to correct
 * the request: the unassigned pool for {@link Refusal#INSUFFICIENT_UNASSIGNED}, the removable credits for
 * {@link Refusal#EXCEEDS_REMOVABLE}, the available credits for {@link Refusal#CREDITS_EXHAUSTED}; null otherwise.
 */
public record Refused(Refusal reason, String message, Credits limit)
        implements PurchaseResult, AllocationResult, AuthorizeResult, SettleResult, VoidResult, ChargeResult {

    public Refused(Refusal reason, String message) {
        this(reason, message, null);
    }
}

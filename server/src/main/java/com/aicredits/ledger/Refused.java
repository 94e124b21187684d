package com.aicredits.ledger;

/**
 * An expected refusal, returned as a value. {@code limit} carries the figure the caller needs to correct
 * the request: the unassigned pool for {@link Refusal#INSUFFICIENT_UNASSIGNED}, the removable credits for
 * {@link Refusal#EXCEEDS_REMOVABLE}, the available credits for {@link Refusal#CREDITS_EXHAUSTED}; null otherwise.
 * {@code field} names the malformed field of a {@link Refusal#VALIDATION_FAILED}; null otherwise.
 */
public record Refused(Refusal reason, String message, Credits limit, String field)
        implements PurchaseResult, AllocationResult, AuthorizeResult, SettleResult, VoidResult, ChargeResult, Moved,
        AllowanceResult {

    public Refused(Refusal reason, String message) {
        this(reason, message, null, null);
    }

    public Refused(Refusal reason, String message, Credits limit) {
        this(reason, message, limit, null);
    }

    /** A malformed field: VALIDATION_FAILED, naming it. */
    public static Refused invalid(String field, String message) {
        return new Refused(Refusal.VALIDATION_FAILED, message, null, field);
    }

    static Refused notFound(String what) {
        return new Refused(Refusal.NOT_FOUND, what + " not found");
    }

    static Refused keyReused(String key) {
        return new Refused(Refusal.IDEMPOTENCY_KEY_REUSED, "idempotency key " + key + " was already used for a different operation");
    }

    static Refused requestIdReused(RequestId request) {
        return new Refused(Refusal.REQUEST_ID_REUSED, "request id " + request + " was already used for a different request");
    }
}

package com.aicredits.shared;

/**
 * An expected refusal, returned as a value. {@code limit} carries the figure the caller needs to correct
 * the request: the unassigned pool for {@link Refusal#INSUFFICIENT_UNASSIGNED}, the removable credits for
 * {@link Refusal#EXCEEDS_REMOVABLE}, the available credits for {@link Refusal#CREDITS_EXHAUSTED}; null otherwise.
 * {@code field} names the malformed field of a {@link Refusal#VALIDATION_FAILED}; null otherwise.
 */
public record Refused<T>(Refusal reason, String message, Credits limit, String field) implements Outcome<T> {

    public Refused(Refusal reason, String message) {
        this(reason, message, null, null);
    }

    public Refused(Refusal reason, String message, Credits limit) {
        this(reason, message, limit, null);
    }

    /** A malformed field: VALIDATION_FAILED, naming it. */
    public static <T> Refused<T> invalid(String field, String message) {
        return new Refused<>(Refusal.VALIDATION_FAILED, message, null, field);
    }

    public static <T> Refused<T> notFound(String what) {
        return new Refused<>(Refusal.NOT_FOUND, what + " not found");
    }

    public static <T> Refused<T> keyReused(String key) {
        return new Refused<>(Refusal.IDEMPOTENCY_KEY_REUSED,
                "idempotency key " + key + " was already used for a different operation");
    }

    /** The same refusal as the outcome of another operation (a refusal carries no value, so nothing is lost). */
    public <U> Refused<U> as() {
        return new Refused<>(reason, message, limit, field);
    }
}

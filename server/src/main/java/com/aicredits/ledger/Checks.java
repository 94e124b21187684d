package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import java.util.Optional;

/**
 * The one validation point for what callers hand the ledger: amounts, costs, notes, references, idempotency
 * keys, request ids and features. The web layers parse their input into these types and leave the limits to
 * this class, so a limit and its message exist once.
 */
final class Checks {

    private Checks() {
    }

    static Optional<Refused<?>> amount(Credits credits) {
        if (credits == null) {
            return Optional.of(new Refused<>(Refusal.INVALID_AMOUNT, "credits are required"));
        }
        if (!credits.isPositive()) {
            return Optional.of(new Refused<>(Refusal.INVALID_AMOUNT, "credits must be greater than zero"));
        }
        if (credits.compareTo(Credits.MAX_ENTERED) > 0) {
            return Optional.of(new Refused<>(Refusal.INVALID_AMOUNT, "credits must be at most " + Credits.MAX_ENTERED));
        }
        return Optional.empty();
    }

    /** A cost may be zero (a request that used nothing), never negative. */
    static Optional<Refused<?>> cost(Credits cost) {
        if (cost == null) {
            return Optional.of(new Refused<>(Refusal.INVALID_AMOUNT, "cost is required"));
        }
        if (cost.isNegative() || cost.compareTo(Credits.MAX_ENTERED) > 0) {
            return Optional.of(new Refused<>(Refusal.INVALID_AMOUNT, "cost must be between 0 and " + Credits.MAX_ENTERED));
        }
        return Optional.empty();
    }

    static Optional<Refused<?>> note(String note) {
        return note != null && note.strip().length() > Ledger.MAX_NOTE
                ? Optional.of(Refused.invalid("note", "note has at most " + Ledger.MAX_NOTE + " characters"))
                : Optional.empty();
    }

    static Optional<Refused<?>> reference(String reference) {
        if (reference == null || reference.isBlank()) {
            return Optional.of(Refused.invalid("reference", "reference (e.g. the order number) is required"));
        }
        return reference.strip().length() > Ledger.MAX_REFERENCE
                ? Optional.of(Refused.invalid("reference", "reference has at most " + Ledger.MAX_REFERENCE + " characters"))
                : Optional.empty();
    }

    static Optional<Refused<?>> idempotencyKey(String key) {
        return key != null && (key.isBlank() || key.length() > Ledger.MAX_IDEMPOTENCY_KEY)
                ? Optional.of(Refused.invalid("Idempotency-Key",
                        "an idempotency key has 1 to " + Ledger.MAX_IDEMPOTENCY_KEY + " characters"))
                : Optional.empty();
    }

    static Optional<Refused<?>> requestId(RequestId request) {
        return request == null || !request.isWellFormed()
                ? Optional.of(Refused.invalid("requestId", "requestId has 1 to " + RequestId.MAX_LENGTH
                        + " printable characters, none of / \\ % ; (it is part of the settle and void paths), and is not . or .."))
                : Optional.empty();
    }

    static Optional<Refused<?>> request(RequestId request, String feature) {
        return requestId(request).or(() -> feature == null || feature.isBlank() || feature.length() > Ledger.MAX_FEATURE
                        || feature.chars().anyMatch(Character::isISOControl)
                ? Optional.of(Refused.invalid("feature", "feature has 1 to " + Ledger.MAX_FEATURE + " characters, none a control character"))
                : Optional.empty());
    }

    /** An authorization as asked; an absent estimate takes the feature's default. */
    static Optional<Refused<?>> authorization(RequestId request, String feature, Credits estimate) {
        return request(request, feature).or(() -> estimate == null ? Optional.empty() : amount(estimate));
    }

    static Optional<Refused<?>> charge(RequestId request, String feature, Credits cost) {
        return request(request, feature).or(() -> cost(cost));
    }

    static Optional<Refused<?>> settlement(RequestId request, Credits cost) {
        return requestId(request).or(() -> cost(cost));
    }

    /** A note or reference as stored: stripped, and absent when blank. */
    static String stored(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    static <T> Refused<T> requestIdReused(RequestId request) {
        return new Refused<>(Refusal.REQUEST_ID_REUSED, "request id " + request + " was already used for a different request");
    }
}

package com.aicredits.ledger;

import com.aicredits.ledger.ModelState.Rejection;
import com.aicredits.ledger.ModelState.Request;
import com.aicredits.ledger.ModelState.Swept;
import com.aicredits.ledger.RequestState.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.util.Optional;

/**
 * Consumption in the {@link LedgerModel} (SPEC, Consumption): who may start a request, holds, charges, settles,
 * voids and the expiry sweep. Like {@link ModelBulk}, static rules over the model's state: each returns what
 * the ledger must answer and applies its effect.
 */
final class ModelConsumption {

    private ModelConsumption() {
    }

    /** What the ledger answered to a new authorization: a retry with the same request id must repeat it. */
    static void answered(LedgerModel model, Authorized first) {
        model.requests.get(first.requestId().value()).answer = first;
    }

    static Object authorize(LedgerModel model, RequestId id, UserId user, String feature, Credits estimate,
            Instant now) {
        if (estimate != null && !LedgerModel.enterable(estimate)) {
            return new Rejection(Refusal.INVALID_AMOUNT);
        }
        var earlier = model.requests.get(id.value());
        if (earlier != null) {
            // The first answer, even if the user could not start a request any more.
            return !earlier.charge && earlier.user.equals(user) && earlier.feature.equals(feature)
                    ? replayed(earlier.answer)
                    : new Rejection(Refusal.REQUEST_ID_REUSED);
        }
        var refusal = whyNotAdmitted(model, user);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        long hold = estimate != null ? estimate.thousandths() : ModelChoices.CANVAS.equals(feature) ? 5_000 : 1_000;
        var account = model.accounts.get(user);
        account.held += hold;
        account.openHolds++;
        var authorized = new Authorized(id, new Credits(hold), new Credits(account.available()),
                now.plus(LedgerModel.HOLD_TTL), false);
        model.requests.put(id.value(), new Request(user, feature, false, hold, authorized, Status.AUTHORIZED));
        return authorized;
    }

    static Object charge(LedgerModel model, RequestId id, UserId user, String feature, Credits cost) {
        if (!LedgerModel.isCost(cost)) {
            return new Rejection(Refusal.INVALID_AMOUNT);
        }
        var earlier = model.requests.get(id.value());
        if (earlier != null) {
            return earlier.charge && earlier.user.equals(user) && earlier.feature.equals(feature)
                    ? new Settled(id, new Credits(earlier.cost), new Credits(earlier.remainingAfter), true)
                    : new Rejection(Refusal.REQUEST_ID_REUSED);
        }
        var refusal = whyNotAdmitted(model, user);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        var account = model.accounts.get(user);
        account.consumed += cost.thousandths();
        var request = new Request(user, feature, true, 0, null, Status.SETTLED);
        request.cost = cost.thousandths();
        request.remainingAfter = account.remaining();
        model.requests.put(id.value(), request);
        return new Settled(id, cost, new Credits(account.remaining()), false);
    }

    static Object settle(LedgerModel model, RequestId id, Credits cost, Instant now) {
        if (!LedgerModel.isCost(cost)) {
            return new Rejection(Refusal.INVALID_AMOUNT);
        }
        var request = model.requests.get(id.value());
        if (request == null) {
            return new Rejection(Refusal.NOT_FOUND);
        }
        var account = model.accounts.get(request.user);
        switch (request.status) {
            case SETTLED -> {
                return new Settled(id, new Credits(request.cost), new Credits(request.remainingAfter), true);
            }
            case VOIDED -> {
                return new Rejection(Refusal.ALREADY_VOIDED);
            }
            case AUTHORIZED, EXPIRED -> {
                if (pastDeadline(request, now)) {
                    return new Rejection(Refusal.REQUEST_EXPIRED);
                }
                // An expiry already gave the hold back; the slot is given back now, with the cost recorded once.
                account.held -= request.status == Status.AUTHORIZED ? request.held : 0;
                account.openHolds--;
                request.inFlight = false;
            }
        }
        // Never refused for lack of credits: the work is done, remaining may go below zero.
        account.consumed += cost.thousandths();
        account.active = account.active || account.remaining() != 0;
        request.status = Status.SETTLED;
        request.cost = cost.thousandths();
        request.remainingAfter = account.remaining();
        return new Settled(id, cost, new Credits(account.remaining()), false);
    }

    static Object voidRequest(LedgerModel model, RequestId id, Instant now) {
        var request = model.requests.get(id.value());
        if (request == null) {
            return new Rejection(Refusal.NOT_FOUND);
        }
        switch (request.status) {
            case SETTLED -> {
                return new Rejection(Refusal.ALREADY_SETTLED);
            }
            case VOIDED -> {
                return new Voided(id, true);
            }
            case AUTHORIZED, EXPIRED -> {
                if (pastDeadline(request, now)) {
                    return new Rejection(Refusal.REQUEST_EXPIRED);
                }
                var account = model.accounts.get(request.user);
                account.held -= request.status == Status.AUTHORIZED ? request.held : 0;
                account.openHolds--;
                request.inFlight = false;
            }
        }
        request.status = Status.VOIDED;
        return new Voided(id, false);
    }

    static Swept expire(LedgerModel model, Instant now) {
        int released = 0;
        for (var request : model.requests.values()) {
            if (request.status == Status.AUTHORIZED && !request.expiresAt.isAfter(now)) {
                // The credits go back at once; the slot stays taken until settle, void or the deadline.
                model.accounts.get(request.user).held -= request.held;
                request.status = Status.EXPIRED;
                released++;
            }
        }
        for (var request : model.requests.values()) {
            if (request.status == Status.EXPIRED && request.inFlight && !request.settleBy.isAfter(now)) {
                model.accounts.get(request.user).openHolds--;
                request.inFlight = false;
            }
        }
        return new Swept(released);
    }

    /** Past its settle deadline (or already swept past it), an open request can no longer be settled or voided. */
    private static boolean pastDeadline(Request request, Instant now) {
        return !request.inFlight || !request.settleBy.isAfter(now);
    }

    /** Why the user may not start a request now (authorize or charge), or empty when they may. */
    static Optional<Rejection> whyNotAdmitted(LedgerModel model, UserId user) {
        if (!model.users.containsKey(user)) {
            return Optional.of(new Rejection(Refusal.NOT_FOUND));
        }
        if (model.inactive.contains(user)) {
            return Optional.of(new Rejection(Refusal.USER_INACTIVE));
        }
        var account = model.accounts.get(user);
        if (account == null || !account.active) {
            return Optional.of(new Rejection(Refusal.NO_ALLOCATION));
        }
        if (account.available() <= 0) {
            return Optional.of(new Rejection(Refusal.CREDITS_EXHAUSTED, new Credits(account.available())));
        }
        if (account.openHolds >= LedgerModel.MAX_OPEN_HOLDS) {
            return Optional.of(new Rejection(Refusal.TOO_MANY_IN_FLIGHT));
        }
        return Optional.empty();
    }

    private static Authorized replayed(Authorized first) {
        return new Authorized(first.requestId(), first.held(), first.available(), first.expiresAt(), true);
    }
}

package com.aicredits.ledger;

import com.aicredits.ledger.RequestStore.Request;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * The AI feature side: authorize, charge, settle and void one request, and the sweeper's expiry and settle
 * deadline. Each is one statement that commits on its own; a request id makes each idempotent (a retry
 * answers the first outcome). The lifecycle a request walks is the table request_transitions.
 *
 * <p>A statement PostgreSQL rolls back to break a deadlock (with a transaction that changes many users, over the
 * running totals' slots: see {@link LockConflicts}) applied nothing, and is run again.
 */
@Service
class Consumption {

    private final AdmissionStore admission;
    private final RequestStore requests;
    private final LedgerSettings settings;
    private final ApplicationEventPublisher events;
    private final Alerts alerts;
    private final Clock clock;

    Consumption(AdmissionStore admission, RequestStore requests, LedgerSettings settings,
            ApplicationEventPublisher events, Alerts alerts, Clock clock) {
        this.admission = admission;
        this.requests = requests;
        this.settings = settings;
        this.events = events;
        this.alerts = alerts;
        this.clock = clock;
    }

    Outcome<Authorized> authorize(TenantId tenant, RequestId request, UserId user, String feature, Credits estimate,
            Actor actor) {
        var invalid = Checks.authorization(request, feature, estimate);
        if (invalid.isPresent()) {
            return invalid.get().as();
        }
        Credits hold = holdFor(feature, estimate);
        return admit(tenant, request, user,
                now -> {
                    Instant expiresAt = expiresAt(now);
                    return admission.authorize(tenant, request, user, feature, hold, actor, now, expiresAt, settleBy(now))
                            .map(a -> authorized(request, hold, a, expiresAt));
                },
                r -> !r.charge() && r.userId().equals(user) && r.feature().equals(feature)
                        ? Outcome.done(new Authorized(request, new Credits(r.held()), new Credits(r.availableAfter()),
                                r.expiresAt(), true))
                        : Checks.requestIdReused(request));
    }

    /** The hold an authorization places: its estimate, or the feature's default. */
    Credits holdFor(String feature, Credits estimate) {
        return estimate != null ? estimate : settings.estimateFor(feature);
    }

    /** When holds placed now expire, and when their requests must be settled by. */
    Instant expiresAt(Instant now) {
        return now.plus(settings.holdTtl());
    }

    Instant settleBy(Instant now) {
        return now.plus(settings.settleDeadline());
    }

    /** An admitted authorization's answer. A hold moves no figure an alert watches (Alerts.Figures#exhausted). */
    static Authorized authorized(RequestId request, Credits hold, AdmissionStore.Admission a, Instant expiresAt) {
        return new Authorized(request, hold, new Credits(a.remaining() - a.held()), expiresAt, false);
    }

    Outcome<Settled> charge(TenantId tenant, RequestId request, UserId user, String feature, Credits cost, Actor actor) {
        var invalid = Checks.charge(request, feature, cost);
        if (invalid.isPresent()) {
            return invalid.get().as();
        }
        return admit(tenant, request, user,
                now -> admission.charge(tenant, request, user, feature, cost, actor, now)
                        .map(a -> {
                            charged(tenant, user, cost, a);
                            return new Settled(request, cost, new Credits(a.remaining()), false);
                        }),
                r -> replayCharge(request, user, feature, r));
    }

    /** What follows an admitted charge, single or in a batch: the alerts its before and after figures cross. */
    void charged(TenantId tenant, UserId user, Credits cost, AdmissionStore.Admission a) {
        alerts.consumed(tenant, user, new Alerts.Figures(a.assigned(), a.remaining() + cost.thousandths(), a.held()),
                new Alerts.Figures(a.assigned(), a.remaining(), a.held()));
    }

    /** A charge whose request id is already recorded: its first outcome if it is the same charge, else a refusal. */
    static Outcome<Settled> replayCharge(RequestId request, UserId user, String feature, Request r) {
        return r.charge() && r.userId().equals(user) && r.feature().equals(feature)
                ? Outcome.done(new Settled(request, new Credits(r.cost()), new Credits(r.remainingAfter()), true))
                : Checks.requestIdReused(request);
    }

    /**
     * Runs an admission statement (authorize or charge). When it admits nothing (refused, or the request id
     * exists and the statement failed as a whole), the answer is either the first outcome of an earlier call
     * with this request id (a retry) or the reason, read from account_standing, the view built on the same
     * rule the statement applied. If the user is admissible after all (the balance changed in between), the
     * statement is tried again, at most 3 times.
     */
    private <T> Outcome<T> admit(TenantId tenant, RequestId request, UserId user,
            Function<Instant, Optional<T>> statement, Function<Request, Outcome<T>> replay) {
        for (int attempt = 1; ; attempt++) {
            Optional<T> admitted;
            try {
                admitted = LockConflicts.retried(() -> statement.apply(Clocks.now(clock)));
            } catch (DuplicateKeyException retry) {
                admitted = Optional.empty();
            }
            if (admitted.isPresent()) {
                events.publishEvent(new CreditsChanged(tenant, user));
                return Outcome.done(admitted.get());
            }
            var existing = requests.request(tenant, request);
            if (existing.isPresent()) {
                return replay.apply(existing.get());
            }
            var refusal = whyNotAdmitted(tenant, user);
            if (refusal.isPresent() || attempt == 3) {
                return refusal.orElseGet(() -> exhausted(Credits.ZERO)).as();
            }
        }
    }

    /** Why an admission statement admitted nothing, from account_standing; empty if the user is admissible now. */
    Optional<Refused<?>> whyNotAdmitted(TenantId tenant, UserId user) {
        var standing = admission.standing(tenant, user);
        if (standing.isEmpty()) {
            return Optional.of(Refused.notFound("user"));
        }
        var s = standing.get();
        if (s.refusal() == null) {
            return Optional.empty();
        }
        return Optional.of(switch (s.refusal()) {
            case USER_INACTIVE -> new Refused<>(Refusal.USER_INACTIVE, "the user is deactivated");
            case NO_ALLOCATION -> new Refused<>(Refusal.NO_ALLOCATION,
                    "the user has no AI credits; ask your administrator to assign some");
            case CREDITS_EXHAUSTED -> exhausted(new Credits(s.available()));
            case TOO_MANY_IN_FLIGHT -> new Refused<>(Refusal.TOO_MANY_IN_FLIGHT,
                    "the user already has " + s.inFlight() + " AI requests in flight (the limit is " + s.inFlightMax() + ")");
            default -> throw new IllegalStateException("admission_refusal gave " + s.refusal());
        });
    }

    static Refused<?> exhausted(Credits available) {
        return new Refused<>(Refusal.CREDITS_EXHAUSTED,
                "the user's AI credits are used up; contact your administrator for more", available);
    }

    Outcome<Settled> settle(TenantId tenant, RequestId request, Credits cost, Actor actor) {
        var invalid = Checks.settlement(request, cost);
        if (invalid.isPresent()) {
            return invalid.get().as();
        }
        var settled = LockConflicts.retried(() -> requests.settle(tenant, request, cost, actor, Clocks.now(clock)));
        if (settled.isPresent()) {
            return settled(tenant, request, cost, settled.get());
        }
        // Nothing in flight to settle: the answer is the request's final state.
        return requests.request(tenant, request).<Outcome<Settled>>map(r -> switch (r.status()) {
            case SETTLED -> Outcome.done(new Settled(request, new Credits(r.cost()), new Credits(r.remainingAfter()), true));
            case VOIDED -> new Refused<>(Refusal.ALREADY_VOIDED, "the request was voided; it cannot be settled");
            case AUTHORIZED, EXPIRED -> deadlinePassed(r).<Settled>as();
        }).orElseGet(() -> Refused.notFound("request"));
    }

    /** What follows a committed settlement, single or in a group: the alerts it crosses, the live update, its answer. */
    Outcome<Settled> settled(TenantId tenant, RequestId request, Credits cost, RequestStore.Settlement s) {
        alerts.consumed(tenant, s.userId(), new Alerts.Figures(s.assigned(), s.remaining() + cost.thousandths(), s.held() + s.release()),
                new Alerts.Figures(s.assigned(), s.remaining(), s.held()));
        events.publishEvent(new CreditsChanged(tenant, s.userId()));
        return Outcome.done(new Settled(request, cost, new Credits(s.remaining()), false));
    }

    Outcome<Voided> voidRequest(TenantId tenant, RequestId request, Actor actor) {
        var invalid = Checks.requestId(request);
        if (invalid.isPresent()) {
            return invalid.get().as();
        }
        var voided = LockConflicts.retried(() -> requests.voidRequest(tenant, request, actor, Clocks.now(clock)));
        if (voided.isPresent()) {
            events.publishEvent(new CreditsChanged(tenant, voided.get().userId()));
            return Outcome.done(new Voided(request, false));
        }
        return requests.request(tenant, request).<Outcome<Voided>>map(r -> switch (r.status()) {
            case VOIDED -> Outcome.done(new Voided(request, true));
            case SETTLED -> new Refused<>(Refusal.ALREADY_SETTLED, "the request was settled; it cannot be voided");
            case AUTHORIZED, EXPIRED -> deadlinePassed(r).<Voided>as();
        }).orElseGet(() -> Refused.notFound("request"));
    }

    /** A request still open by status that the closing statement did not take: its settle deadline has passed. */
    private static Refused<?> deadlinePassed(Request r) {
        return new Refused<>(Refusal.REQUEST_EXPIRED, "the request's settle deadline (" + r.settleBy()
                + ") has passed; it can no longer be settled or voided");
    }

    /**
     * Moves every overdue request on: holds past their time-to-live are released (each commits on its own and
     * is published as it happens), then expired requests past their settle deadline give back their slot.
     * Returns how many holds expired. Run by the sweeper on every instance.
     */
    int sweep(Runnable onExpired) {
        Instant now = Clocks.now(clock);
        int expired = 0;
        List<RequestStore.Swept> swept;
        for (TenantId tenant : requests.tenantsWithDueHolds(now)) {
            while (!(swept = requests.expireOne(tenant, now)).isEmpty()) {
                expired++;
                onExpired.run();
                publish(swept);
            }
        }
        for (TenantId tenant : requests.tenantsWithLapsedRequests(now)) {
            while (!(swept = requests.lapseOne(tenant, now)).isEmpty()) {
                publish(swept);
            }
        }
        return expired;
    }

    private void publish(List<RequestStore.Swept> swept) {
        swept.forEach(s -> {
            // An expired hold raises the user's available figure: their exhausted alert may re-arm.
            alerts.changed(s.tenantId(), s.userId());
            events.publishEvent(new CreditsChanged(s.tenantId(), s.userId()));
        });
    }

    Optional<RequestState> request(TenantId tenant, RequestId request) {
        if (Checks.requestId(request).isPresent()) {
            return Optional.empty();
        }
        return requests.request(tenant, request).map(r -> new RequestState(request, r.userId(), r.feature(),
                r.status(), new Credits(r.held()), r.cost() == null ? null : new Credits(r.cost()), r.createdAt(),
                r.expiresAt(), r.finishedAt()));
    }
}

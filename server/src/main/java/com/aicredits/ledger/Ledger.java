package com.aicredits.ledger;

import com.aicredits.directory.Directory;
import com.aicredits.directory.TenantId;
import com.aicredits.directory.User;
import com.aicredits.directory.UserId;
import com.aicredits.ledger.AllocationResult.Allocated;
import com.aicredits.ledger.AllocationStore.Account;
import com.aicredits.ledger.AllocationStore.Pool;
import com.aicredits.ledger.AuthorizeResult.Authorized;
import com.aicredits.ledger.ConsumptionStore.Request;
import com.aicredits.ledger.PurchaseResult.Purchased;
import com.aicredits.ledger.VoidResult.Voided;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ledger's one entry point. Every operation either writes exactly one ledger entry together with the
 * balance change it describes, in one transaction, or returns a {@link Refused} and changes nothing.
 *
 * <p>Invariants, checked by {@link #reconcile}: purchased = unassigned + Σ assigned; for every account
 * remaining = assigned - consumed and held = Σ open holds; unassigned never negative; consumed never
 * decreases; a request id is charged at most once.
 */
@Service
@EnableConfigurationProperties(LedgerSettings.class)
public class Ledger {

    private static final Logger log = LoggerFactory.getLogger(Ledger.class);

    public static final int MAX_NOTE = 500;
    public static final int MAX_REFERENCE = 200;
    public static final int MAX_FEATURE = 64;
    public static final int MAX_IDEMPOTENCY_KEY = 200;

    private final AllocationStore allocations;
    private final ConsumptionStore consumption;
    private final LedgerQueries queries;
    private final Reconciler reconciler;
    private final Directory directory;
    private final LedgerSettings settings;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final LedgerMetrics metrics;

    Ledger(AllocationStore allocations, ConsumptionStore consumption, LedgerQueries queries, Reconciler reconciler,
            Directory directory, LedgerSettings settings, TransactionTemplate transactions,
            ApplicationEventPublisher events, Clock clock, LedgerMetrics metrics) {
        this.allocations = allocations;
        this.consumption = consumption;
        this.queries = queries;
        this.reconciler = reconciler;
        this.directory = directory;
        this.settings = settings;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
        this.metrics = metrics;
    }

    // ------------------------------------------------------------------ purchase and allocation

    /** Credits bought by the tenant enter its pool, unassigned. */
    public PurchaseResult purchase(TenantId tenant, Credits credits, String reference, String note, Actor actor,
            String idempotencyKey) {
        var invalid = invalidAmount(credits).or(() -> invalidNote(note)).or(() -> invalidKey(idempotencyKey))
                .or(() -> reference == null || reference.isBlank()
                        ? Optional.of(Refused.invalid("reference", "reference is required"))
                        : reference.strip().length() > MAX_REFERENCE
                                ? Optional.of(Refused.invalid("reference",
                                        "reference has at most " + MAX_REFERENCE + " characters"))
                                : Optional.empty());
        if (invalid.isPresent()) {
            return invalid.get();
        }
        String ref = reference.strip();
        return inTransaction(tx -> {
            var pool = allocations.lockPool(tenant);
            if (pool.isEmpty()) {
                return notFound("tenant");
            }
            var earlier = earlierEntry(tenant, idempotencyKey);
            if (earlier.isPresent()) {
                var e = earlier.get();
                return e.type() == EntryType.PURCHASE && e.credits().equals(credits) && ref.equals(e.reference())
                        && Objects.equals(e.note(), blankToNull(note))
                        ? new Purchased(LedgerQueries.purchase(e), true)
                        : keyReused(idempotencyKey);
            }
            var after = allocations.purchase(tenant, credits);
            if (after.isEmpty()) {
                return new Refused(Refusal.INVALID_AMOUNT, "the tenant's pool cannot hold that many credits");
            }
            Instant now = now();
            long id = allocations.append(tenant, new EntryDraft(null, EntryType.PURCHASE, credits,
                    credits.thousandths(), 0, null, null, null, pool.get().unassigned(), after.get().unassigned(),
                    blankToNull(note), actor, ref, idempotencyKey, now));
            events.publishEvent(new CreditsChanged(tenant, null));
            return new Purchased(new Purchase(id, credits, ref, blankToNull(note), actor.name(), now), false);
        });
    }

    /** Opens an allocation for a user who has none (or reopens a closed one), taking credits from the pool. */
    public AllocationResult assign(TenantId tenant, UserId user, Credits credits, String note, Actor actor,
            String idempotencyKey) {
        return allocate(EntryType.ASSIGN, tenant, user, credits, note, actor, idempotencyKey, (pool, now) -> {
            var account = allocations.open(tenant, user, credits, now);
            if (account.isEmpty()) {
                return Either.refused(new Refused(Refusal.ALREADY_ASSIGNED,
                        "the user already has credits assigned; add credits instead"));
            }
            return takeFromPool(tenant, credits, pool, account.get());
        });
    }

    /** Adds credits to a user's active allocation, from the pool. */
    public AllocationResult add(TenantId tenant, UserId user, Credits credits, String note, Actor actor,
            String idempotencyKey) {
        return allocate(EntryType.ADD, tenant, user, credits, note, actor, idempotencyKey, (pool, now) -> {
            var account = allocations.add(tenant, user, credits, now);
            if (account.isEmpty()) {
                return Either.refused(new Refused(Refusal.NO_ALLOCATION,
                        "the user has no credits assigned; assign credits first"));
            }
            return takeFromPool(tenant, credits, pool, account.get());
        });
    }

    /**
     * Returns unused credits to the pool: at most max(0, remaining - held). Consumed credits are never
     * reclaimed. Taking remaining to exactly zero closes the allocation; a later assign reopens it.
     */
    public AllocationResult remove(TenantId tenant, UserId user, Credits credits, String note, Actor actor,
            String idempotencyKey) {
        return allocate(EntryType.REMOVE, tenant, user, credits, note, actor, idempotencyKey, (pool, now) -> {
            var account = allocations.remove(tenant, user, credits, now);
            if (account.isEmpty()) {
                var current = allocations.account(tenant, user).filter(Account::active);
                if (current.isEmpty()) {
                    return Either.refused(new Refused(Refusal.NO_ALLOCATION, "the user has no credits assigned"));
                }
                var removable = new Credits(current.get().removable());
                return Either.refused(new Refused(Refusal.EXCEEDS_REMOVABLE,
                        "at most " + removable + " credits can be removed (unused and not held by a running request)",
                        removable));
            }
            return Either.done(new Change(account.get(), pool, allocations.returnToPool(tenant, credits)));
        });
    }

    private Either takeFromPool(TenantId tenant, Credits credits, Pool before, Account account) {
        var after = allocations.takeFromPool(tenant, credits);
        if (after.isEmpty()) {
            var unassigned = new Credits(before.unassigned());
            return Either.refused(new Refused(Refusal.INSUFFICIENT_UNASSIGNED,
                    "only " + unassigned + " credits are unassigned", unassigned));
        }
        return Either.done(new Change(account, before, after.get()));
    }

    /** The account and pool after an allocation step, or why it was refused. */
    private record Change(Account account, Pool poolBefore, Pool poolAfter) {
    }

    private record Either(Change change, Refused refused) {
        static Either done(Change change) {
            return new Either(change, null);
        }

        static Either refused(Refused refused) {
            return new Either(null, refused);
        }
    }

    @FunctionalInterface
    private interface AllocationStep {
        Either apply(Pool lockedPool, Instant now);
    }

    private AllocationResult allocate(EntryType type, TenantId tenant, UserId user, Credits credits, String note,
            Actor actor, String idempotencyKey, AllocationStep step) {
        var invalid = invalidAmount(credits).or(() -> invalidNote(note)).or(() -> invalidKey(idempotencyKey));
        if (invalid.isPresent()) {
            return invalid.get();
        }
        return inTransaction(tx -> {
            // The pool lock comes first in every admin operation: one lock order, no deadlocks, and a
            // retried idempotency key waits here until the first attempt has committed.
            var pool = allocations.lockPool(tenant);
            if (pool.isEmpty()) {
                return notFound("tenant");
            }
            var earlier = earlierEntry(tenant, idempotencyKey);
            if (earlier.isPresent()) {
                var e = earlier.get();
                return e.type() == type && user.equals(e.userId()) && e.credits().equals(credits)
                        && Objects.equals(e.note(), blankToNull(note))
                        ? new Allocated(queries.rowAfter(tenant, e).orElseThrow(), true)
                        : keyReused(idempotencyKey);
            }
            Optional<User> registered = directory.user(tenant, user);
            if (registered.isEmpty()) {
                return notFound("user");
            }
            if (!registered.get().active() && type != EntryType.REMOVE) {
                return new Refused(Refusal.USER_INACTIVE, "the user is deactivated");
            }
            Instant now = now();
            var outcome = step.apply(pool.get(), now);
            if (outcome.refused() != null) {
                tx.setRollbackOnly();
                return outcome.refused();
            }
            var change = outcome.change();
            long assignedDelta = type == EntryType.REMOVE ? -credits.thousandths() : credits.thousandths();
            long remainingAfter = change.account().remaining();
            allocations.append(tenant, new EntryDraft(user, type, credits, 0, assignedDelta,
                    remainingAfter - assignedDelta, remainingAfter, change.account().held(),
                    change.poolBefore().unassigned(), change.poolAfter().unassigned(), blankToNull(note), actor,
                    null, idempotencyKey, now));
            events.publishEvent(new CreditsChanged(tenant, user));
            return new Allocated(queries.row(tenant, user).orElseThrow(), false);
        });
    }

    // ------------------------------------------------------------------ consumption

    /**
     * Asks to start an AI request: admitted only if the user has an active allocation, available =
     * remaining - held is above zero, and fewer open holds than the tenant's limit. Places a hold of the
     * estimate (or the feature's default). A repeated call with the same request id returns the first
     * authorization.
     */
    public AuthorizeResult authorize(TenantId tenant, RequestId request, UserId user, String feature,
            Credits estimate, Actor actor) {
        var invalid = invalidRequest(request, feature)
                .or(() -> estimate == null ? Optional.empty() : invalidAmount(estimate));
        if (invalid.isPresent()) {
            return metrics.authorized(invalid.get());
        }
        Credits hold = estimate != null ? estimate : settings.estimateFor(feature);
        return metrics.authorized(admit(tenant, request, user,
                now -> {
                    Instant expiresAt = now.plus(settings.holdTtl());
                    return consumption.authorize(tenant, request, user, feature, hold, actor, now, expiresAt)
                            .map(a -> (AuthorizeResult) new Authorized(request, hold, new Credits(a.remaining() - a.held()),
                                    expiresAt, false));
                },
                r -> !r.charge() && r.userId().equals(user) && r.feature().equals(feature)
                        ? new Authorized(request, new Credits(r.held()), new Credits(r.availableAfter()), r.expiresAt(), true)
                        : requestIdReused(request)));
    }

    /** Authorize and settle in one call, for features that know their cost up front. */
    public ChargeResult charge(TenantId tenant, RequestId request, UserId user, String feature, Credits cost,
            Actor actor) {
        var invalid = invalidRequest(request, feature).or(() -> invalidCost(cost));
        if (invalid.isPresent()) {
            return metrics.charged(invalid.get());
        }
        return metrics.charged(admit(tenant, request, user,
                now -> consumption.charge(tenant, request, user, feature, cost, actor, now)
                        .map(a -> (ChargeResult) new Settled(request, cost, new Credits(a.remaining()), false)),
                r -> r.charge() && r.userId().equals(user) && r.feature().equals(feature)
                        ? new Settled(request, new Credits(r.cost()), new Credits(r.remainingAfter()), true)
                        : requestIdReused(request)));
    }

    /**
     * Runs an admission statement (authorize or charge), which commits on its own. When it admits nothing
     * (refused, or the request id exists and the statement failed as a whole), the answer is either the
     * first outcome of an earlier call with this request id (a retry) or the reason for the refusal. If the
     * explanation finds the user admissible after all (the balance changed in between), the statement is
     * tried again, at most 3 times.
     */
    private <T> T admit(TenantId tenant, RequestId request, UserId user, Function<Instant, Optional<T>> statement,
            Function<Request, T> replay) {
        for (int attempt = 1; ; attempt++) {
            T admitted;
            try {
                admitted = statement.apply(now()).orElse(null);
            } catch (DuplicateKeyException retry) {
                admitted = null;
            }
            if (admitted != null) {
                events.publishEvent(new CreditsChanged(tenant, user));
                return admitted;
            }
            var existing = consumption.request(tenant, request);
            if (existing.isPresent()) {
                return replay.apply(existing.get());
            }
            var refusal = whyNotAdmitted(tenant, user);
            if (refusal.isPresent() || attempt == 3) {
                @SuppressWarnings("unchecked") // Refused implements every result interface
                T refused = (T) refusal.orElse(exhausted(Credits.ZERO));
                return refused;
            }
        }
    }

    /**
     * Records the request's whole actual cost as consumed and releases its hold. Never refused for lack
     * of credits (the work is done), so remaining may go below zero. Also accepted after the hold
     * expired, recording the cost once.
     */
    public SettleResult settle(TenantId tenant, RequestId request, Credits cost, Actor actor) {
        var invalid = invalidRequestId(request).or(() -> invalidCost(cost));
        if (invalid.isPresent()) {
            return metrics.settled(invalid.get());
        }
        var settled = consumption.settle(tenant, request, cost, actor, now());
        if (settled.isPresent()) {
            events.publishEvent(new CreditsChanged(tenant, settled.get().userId()));
            return metrics.settled(new Settled(request, cost, new Credits(settled.get().remaining()), false));
        }
        // Nothing open to settle: the answer is the request's final state (both are terminal).
        return metrics.settled(consumption.request(tenant, request).<SettleResult>map(r -> switch (r.status()) {
            case SETTLED -> new Settled(request, new Credits(r.cost()), new Credits(r.remainingAfter()), true);
            case VOIDED -> new Refused(Refusal.ALREADY_VOIDED, "the request was voided; it cannot be settled");
            case AUTHORIZED, EXPIRED -> throw new IllegalStateException("request " + request.value()
                    + " is open but could not be settled: its account is missing");
        }).orElseGet(() -> notFound("request")));
    }

    /** Releases the request's hold without consuming anything. */
    public VoidResult voidRequest(TenantId tenant, RequestId request, Actor actor) {
        var invalid = invalidRequestId(request);
        if (invalid.isPresent()) {
            return metrics.voided(invalid.get());
        }
        var voided = consumption.voidRequest(tenant, request, actor, now());
        if (voided.isPresent()) {
            events.publishEvent(new CreditsChanged(tenant, voided.get()));
            return metrics.voided(new Voided(request, false));
        }
        // Nothing open to void: the answer is the request's final state (both are terminal).
        return metrics.voided(consumption.request(tenant, request).<VoidResult>map(r -> switch (r.status()) {
            case VOIDED -> new Voided(request, true);
            case SETTLED -> new Refused(Refusal.ALREADY_SETTLED, "the request was settled; it cannot be voided");
            case AUTHORIZED, EXPIRED -> throw new IllegalStateException("request " + request.value()
                    + " is open but could not be voided: its account is missing");
        }).orElseGet(() -> notFound("request")));
    }

    /** Releases every hold past its time-to-live; returns how many. Called by the sweeper on every instance. */
    public int expireHolds() {
        int expired = 0;
        Instant now = now();
        List<ConsumptionStore.Expired> released;
        while (!(released = consumption.expireOne(now)).isEmpty()) {
            expired++;
            metrics.holdExpired();
            // Each expiry commits on its own (autocommit), so it is published as it happens, and counted.
            released.forEach(e -> events.publishEvent(new CreditsChanged(e.tenantId(), e.userId())));
        }
        return expired;
    }

    public Optional<RequestState> request(TenantId tenant, RequestId request) {
        if (invalidRequestId(request).isPresent()) {
            return Optional.empty();
        }
        return consumption.request(tenant, request).map(r -> new RequestState(request, r.userId(), r.feature(),
                r.status(), new Credits(r.held()), r.cost() == null ? null : new Credits(r.cost()), r.createdAt(),
                r.expiresAt(), r.finishedAt()));
    }

    private Optional<Refused> whyNotAdmitted(TenantId tenant, UserId user) {
        var standing = consumption.standing(tenant, user);
        if (standing.isEmpty()) {
            return Optional.of(notFound("user"));
        }
        var s = standing.get();
        if (!s.userActive()) {
            return Optional.of(new Refused(Refusal.USER_INACTIVE, "the user is deactivated"));
        }
        if (!s.allocated()) {
            return Optional.of(new Refused(Refusal.NO_ALLOCATION,
                    "the user has no AI credits; ask your administrator to assign some"));
        }
        if (s.available() <= 0) {
            return Optional.of(exhausted(new Credits(s.available())));
        }
        if (s.openHolds() >= s.maxHolds()) {
            return Optional.of(new Refused(Refusal.TOO_MANY_IN_FLIGHT,
                    "the user already has " + s.openHolds() + " AI requests running (the limit is " + s.maxHolds() + ")"));
        }
        return Optional.empty();
    }

    private static Refused exhausted(Credits available) {
        return new Refused(Refusal.CREDITS_EXHAUSTED,
                "the user's AI credits are used up; contact your administrator for more", available);
    }

    // ------------------------------------------------------------------ reading

    public Optional<Summary> summary(TenantId tenant) {
        return queries.summary(tenant);
    }

    /** The pool's unassigned credits alone: one row, where the summary sums every account of the tenant. */
    public Optional<Credits> unassigned(TenantId tenant) {
        return queries.unassigned(tenant);
    }

    public Page<AccountRow> rows(TenantId tenant, RowQuery query) {
        return queries.rows(tenant, query);
    }

    public Optional<AccountRow> row(TenantId tenant, UserId user) {
        return queries.row(tenant, user);
    }

    /** A user's balance; a registered user who was never allocated credits has all zeros. */
    public Optional<Balance> balance(TenantId tenant, UserId user) {
        return queries.balance(tenant, user)
                .or(() -> directory.user(tenant, user).map(u -> Balance.NONE));
    }

    public List<AssignableUser> assignableUsers(TenantId tenant) {
        return queries.assignable(tenant);
    }

    /** The ledger, newest first; {@code user} and {@code type} narrow it when given. */
    public Page<Entry> entries(TenantId tenant, UserId user, EntryType type, int page, int size) {
        if (page < 0 || size < 1 || size > RowQuery.MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page >= 0 and 1 <= size <= " + RowQuery.MAX_PAGE_SIZE);
        }
        return queries.entries(tenant, user, type, page, size);
    }

    public List<Purchase> purchases(TenantId tenant) {
        return queries.purchases(tenant);
    }

    /**
     * Recomputes every balance of every tenant from the entries; a healthy ledger reports no drift. Each
     * drift is logged as an error and their number is kept for the {@code aicredits.reconciliation.drifts}
     * gauge, whoever asked (the schedule or an operator through the API).
     */
    public Reconciliation reconcile() {
        var result = metrics.reconciled(() -> reconciler.reconcile(null));
        result.drifts().forEach(drift -> log.error("ledger drift: {}", drift));
        return result;
    }

    public Reconciliation reconcile(TenantId tenant) {
        return reconciler.reconcile(tenant);
    }

    // ------------------------------------------------------------------ checks

    /** PostgreSQL keeps microseconds: a first answer and its replay must show the same instant. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private <T> T inTransaction(Function<TransactionStatus, T> work) {
        return transactions.execute(work::apply);
    }

    private Optional<Entry> earlierEntry(TenantId tenant, String idempotencyKey) {
        return idempotencyKey == null ? Optional.empty() : allocations.entryByIdempotencyKey(tenant, idempotencyKey);
    }

    private static Optional<Refused> invalidAmount(Credits credits) {
        if (credits == null) {
            return Optional.of(new Refused(Refusal.INVALID_AMOUNT, "credits are required"));
        }
        if (!credits.isPositive()) {
            return Optional.of(new Refused(Refusal.INVALID_AMOUNT, "credits must be greater than zero"));
        }
        if (credits.compareTo(Credits.MAX_ENTERED) > 0) {
            return Optional.of(new Refused(Refusal.INVALID_AMOUNT, "credits must be at most " + Credits.MAX_ENTERED));
        }
        return Optional.empty();
    }

    private static Optional<Refused> invalidCost(Credits cost) {
        if (cost == null) {
            return Optional.of(new Refused(Refusal.INVALID_AMOUNT, "cost is required"));
        }
        if (cost.isNegative() || cost.compareTo(Credits.MAX_ENTERED) > 0) {
            return Optional.of(new Refused(Refusal.INVALID_AMOUNT,
                    "cost must be between 0 and " + Credits.MAX_ENTERED));
        }
        return Optional.empty();
    }

    private static Optional<Refused> invalidNote(String note) {
        return note != null && note.strip().length() > MAX_NOTE
                ? Optional.of(Refused.invalid("note", "note has at most " + MAX_NOTE + " characters"))
                : Optional.empty();
    }

    private static Optional<Refused> invalidKey(String key) {
        return key != null && (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY)
                ? Optional.of(Refused.invalid("Idempotency-Key",
                        "an idempotency key has 1 to " + MAX_IDEMPOTENCY_KEY + " characters"))
                : Optional.empty();
    }

    private static Optional<Refused> invalidRequestId(RequestId request) {
        return request == null || !request.isWellFormed()
                ? Optional.of(Refused.invalid("requestId",
                        "requestId has 1 to " + RequestId.MAX_LENGTH + " printable characters"))
                : Optional.empty();
    }

    private static Optional<Refused> invalidRequest(RequestId request, String feature) {
        return invalidRequestId(request).or(() -> feature == null || feature.isBlank() || feature.length() > MAX_FEATURE
                ? Optional.of(Refused.invalid("feature", "feature has 1 to " + MAX_FEATURE + " characters"))
                : Optional.empty());
    }

    private static Refused notFound(String what) {
        return new Refused(Refusal.NOT_FOUND, what + " not found");
    }

    private static Refused keyReused(String key) {
        return new Refused(Refusal.IDEMPOTENCY_KEY_REUSED,
                "idempotency key " + key + " was already used for a different operation");
    }

    private static Refused requestIdReused(RequestId request) {
        return new Refused(Refusal.REQUEST_ID_REUSED,
                "request id " + request + " was already used for a different request");
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    // ------------------------------------------------------------------ PLACEHOLDER (branch adminux, issue 11)

    /**
     * PLACEHOLDER until the lead's ledger operation of the same signature lands; replace it wholesale. Closes an
     * allocation whose removable credits are 0, through the existing remove statement with an amount of zero: that
     * closes it only when remaining is exactly 0 and nothing is held (below zero it is refused EXCEEDS_REMOVABLE,
     * which the real operation will accept, keeping the negative remaining as consumed history).
     */
    public AllocationResult endAllocation(TenantId tenant, UserId user, Actor actor, String idempotencyKey) {
        var invalid = invalidKey(idempotencyKey);
        if (invalid.isPresent()) {
            return invalid.get();
        }
        return inTransaction(tx -> {
            var pool = allocations.lockPool(tenant);
            if (pool.isEmpty()) {
                return notFound("tenant");
            }
            var earlier = earlierEntry(tenant, idempotencyKey);
            if (earlier.isPresent()) {
                var e = earlier.get();
                return e.type() == EntryType.REMOVE && user.equals(e.userId()) && e.credits().equals(Credits.ZERO)
                        ? new Allocated(queries.rowAfter(tenant, e).orElseThrow(), true)
                        : keyReused(idempotencyKey);
            }
            if (directory.user(tenant, user).isEmpty()) {
                return notFound("user");
            }
            var current = allocations.account(tenant, user).filter(Account::active);
            if (current.isEmpty()) {
                return new Refused(Refusal.NO_ALLOCATION, "the user has no credits assigned");
            }
            Instant now = now();
            var account = allocations.remove(tenant, user, Credits.ZERO, now);
            if (account.isEmpty() || account.get().active()) {
                tx.setRollbackOnly();
                var removable = new Credits(current.get().removable());
                return new Refused(Refusal.EXCEEDS_REMOVABLE,
                        "the allocation can end only when nothing is removable or held", removable);
            }
            long remaining = account.get().remaining();
            allocations.append(tenant, new EntryDraft(user, EntryType.REMOVE, Credits.ZERO, 0, 0, remaining, remaining,
                    account.get().held(), pool.get().unassigned(), pool.get().unassigned(), null, actor, null,
                    idempotencyKey, now));
            events.publishEvent(new CreditsChanged(tenant, user));
            return new Allocated(queries.row(tenant, user).orElseThrow(), false);
        });
    }
}

package com.aicredits.ledger;

import com.aicredits.directory.Directory;
import com.aicredits.directory.User;
import com.aicredits.ledger.AllocationStore.Account;
import com.aicredits.ledger.AllocationStore.Pool;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The admin and platform side of the ledger: purchases into the pool, and assign, add, remove and end, which
 * move credits between the pool and a user's allocation. Each runs in one transaction that takes the tenant's
 * pool row lock first (one lock order, pool → account, so no deadlocks; a retried idempotency key waits there
 * until the first attempt has committed) and writes exactly one ledger entry, or returns a {@link Refused}
 * and changes nothing.
 */
@Service
class Allocations {

    private final AllocationStore store;
    private final AdmissionStore admission;
    private final LedgerQueries queries;
    private final Directory directory;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    Allocations(AllocationStore store, AdmissionStore admission, LedgerQueries queries, Directory directory,
            TransactionTemplate transactions, ApplicationEventPublisher events, Clock clock) {
        this.store = store;
        this.admission = admission;
        this.queries = queries;
        this.directory = directory;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
    }

    Outcome<Purchased> purchase(TenantId tenant, Credits credits, String reference, String note, Actor actor,
            String idempotencyKey) {
        var invalid = Checks.amount(credits).or(() -> Checks.note(note)).or(() -> Checks.idempotencyKey(idempotencyKey))
                .or(() -> Checks.reference(reference));
        if (invalid.isPresent()) {
            return invalid.get().as();
        }
        String ref = reference.strip();
        return transactions.execute(tx -> {
            var pool = store.lockPool(tenant);
            if (pool.isEmpty()) {
                return Refused.notFound("tenant");
            }
            var earlier = earlierEntry(tenant, idempotencyKey);
            if (earlier.isPresent()) {
                var e = earlier.get();
                return e.type() == EntryType.PURCHASE && e.credits().equals(credits) && ref.equals(e.reference())
                        && Objects.equals(e.note(), Checks.stored(note))
                        ? Outcome.done(new Purchased(LedgerQueries.purchase(e), true))
                        : Refused.keyReused(idempotencyKey);
            }
            var after = store.purchase(tenant, credits);
            if (after.isEmpty()) {
                return new Refused<>(Refusal.INVALID_AMOUNT, "the tenant's pool cannot hold that many credits");
            }
            Instant now = Clocks.now(clock);
            var id = store.append(tenant, new EntryDraft(null, EntryType.PURCHASE, credits, credits, Credits.ZERO,
                    null, null, null, new Credits(pool.get().unassigned()), new Credits(after.get().unassigned()), Checks.stored(note), actor,
                    ref, idempotencyKey, now));
            events.publishEvent(new CreditsChanged(tenant, null));
            events.publishEvent(FiguresRaised.pool(tenant));
            events.publishEvent(CreditsMoved.of(tenant, EntryType.PURCHASE, id, actor, Checks.stored(note), credits, null,
                    null, null, ref, now));
            return Outcome.done(new Purchased(new Purchase(id, credits, ref, Checks.stored(note), actor.name(), now), false));
        });
    }

    Outcome<Allocated> assign(TenantId tenant, UserId user, Credits credits, String note, Actor actor, String key) {
        return change(EntryType.ASSIGN, tenant, user, credits, note, actor, key);
    }

    Outcome<Allocated> add(TenantId tenant, UserId user, Credits credits, String note, Actor actor, String key) {
        return change(EntryType.ADD, tenant, user, credits, note, actor, key);
    }

    Outcome<Allocated> remove(TenantId tenant, UserId user, Credits credits, String note, Actor actor, String key) {
        return change(EntryType.REMOVE, tenant, user, credits, note, actor, key);
    }

    /** Closes an allocation with nothing left to remove: the way out of the table for a user at or below zero. */
    Outcome<Allocated> end(TenantId tenant, UserId user, String note, Actor actor, String key) {
        return change(EntryType.END, tenant, user, Credits.ZERO, note, actor, key);
    }

    /**
     * One allocation step (assign, add, remove or end) inside the caller's transaction, which holds the pool
     * lock and passes the pool as it stands: what the step moved, or why it moved nothing. A refusal may leave
     * the account statement applied (assign opens the account before the pool refuses), so the caller rolls back
     * on any refusal. The single operations run these statements; a bulk change runs {@link #moveAccount} per row.
     */
    Outcome<Moved> move(EntryType type, TenantId tenant, UserId user, Credits credits, Pool pool, Instant now) {
        return switch (moveAccount(type, tenant, user, credits, now)) {
            case Refused<Account> refused -> refused.as();
            case Outcome.Done<Account>(var account) -> switch (type) {
                case ASSIGN, ADD -> takeFromPool(tenant, credits, pool, account);
                case REMOVE -> Outcome.done(new Moved(account, pool, store.returnToPool(tenant, credits)));
                default -> Outcome.done(new Moved(account, pool, pool));
            };
        };
    }

    /**
     * The account's half of an allocation step: the statement whose WHERE clause holds the step's rule, or why it
     * changed nothing. {@link #move} then moves the pool; a bulk change moves it once for all its rows (BulkChanges).
     */
    Outcome<Account> moveAccount(EntryType type, TenantId tenant, UserId user, Credits credits, Instant now) {
        return switch (type) {
            case ASSIGN -> store.open(tenant, user, credits, now).<Outcome<Account>>map(Outcome::done)
                    .orElseGet(() -> new Refused<>(Refusal.ALREADY_ASSIGNED, "the user already has credits assigned; add credits instead"));
            case ADD -> store.add(tenant, user, credits, now).<Outcome<Account>>map(Outcome::done)
                    .orElseGet(() -> new Refused<>(Refusal.NO_ALLOCATION, "the user has no credits assigned; assign credits first"));
            case REMOVE -> store.remove(tenant, user, credits, now).<Outcome<Account>>map(Outcome::done)
                    .orElseGet(() -> whyNotRemovable(tenant, user));
            case END -> store.end(tenant, user, now).<Outcome<Account>>map(Outcome::done)
                    .orElseGet(() -> whyNotEnded(tenant, user));
            default -> throw new IllegalArgumentException(type + " is not an allocation change");
        };
    }

    /**
     * Why the directory's standing of the user refuses the step: unknown (or of another tenant), or deactivated
     * where the step would give credits. A deactivated user's credits may still be taken back or their allocation
     * ended, never added to.
     */
    static <T> Optional<Refused<T>> refusedBy(EntryType type, Optional<Boolean> userActive) {
        if (userActive.isEmpty()) {
            return Optional.of(Refused.notFound("user"));
        }
        return !userActive.get() && givesCredits(type)
                ? Optional.of(new Refused<>(Refusal.USER_INACTIVE, "the user is deactivated"))
                : Optional.empty();
    }

    private static boolean givesCredits(EntryType type) {
        return type == EntryType.ASSIGN || type == EntryType.ADD;
    }

    /**
     * Appends the entry describing what {@link #move} did, in the same transaction, and announces the change
     * (listeners act after commit, so a rolled-back change is never announced).
     */
    void record(EntryType type, TenantId tenant, UserId user, String email, Credits credits, Moved change, String note,
            Actor actor, String idempotencyKey, Instant now) {
        var id = store.append(tenant, entry(type, user, credits, change, note, actor, idempotencyKey, now));
        announce(type, tenant, user, email, credits, change, note, actor, id, now);
    }

    /** The entry of an allocation step: what {@link #move} did to the account and the pool. */
    static EntryDraft entry(EntryType type, UserId user, Credits credits, Moved change, String note, Actor actor,
            String idempotencyKey, Instant now) {
        Credits assignedDelta = type == EntryType.REMOVE ? credits.negate() : givesCredits(type) ? credits : Credits.ZERO;
        var remainingAfter = new Credits(change.account().remaining());
        return new EntryDraft(user, type, credits, Credits.ZERO, assignedDelta, remainingAfter.minus(assignedDelta),
                remainingAfter, new Credits(change.account().held()), new Credits(change.poolBefore().unassigned()),
                new Credits(change.poolAfter().unassigned()), Checks.stored(note), actor, null, idempotencyKey, now);
    }

    /** Tells the listeners about an appended allocation entry (they act after commit). */
    void announce(EntryType type, TenantId tenant, UserId user, String email, Credits credits, Moved change, String note,
            Actor actor, UUID entryId, Instant now) {
        events.publishEvent(new CreditsChanged(tenant, user));
        if (givesCredits(type)) {
            events.publishEvent(new FiguresRaised(tenant, user));
        } else if (type == EntryType.REMOVE) {
            events.publishEvent(FiguresRaised.pool(tenant));
        }
        if (type != EntryType.END) {
            events.publishEvent(CreditsMoved.of(tenant, type, entryId, actor, Checks.stored(note), credits, user, email,
                    change.account(), null, now));
        }
    }

    private <T> Outcome<T> whyNotEnded(TenantId tenant, UserId user) {
        return removable(tenant, user).<Outcome<T>>map(removable -> removable.isPositive()
                ? new Refused<>(Refusal.EXCEEDS_REMOVABLE,
                        removable + " credits can still be removed; remove them to end the allocation", removable)
                : new Refused<>(Refusal.CREDITS_HELD,
                        "a running AI request holds credits; the allocation can end once it finishes"))
                .orElseGet(Allocations::noAllocation);
    }

    /**
     * Takes back everything removable from a deactivated user: max(0, remaining − held), as one REMOVE entry.
     * Runs inside the deactivating transaction (it joins it), or in its own for the leftovers of the requests that
     * were running then (DeactivationReclaim); takes the pool lock first like every allocation change, then the
     * account row, so no authorization can add a hold between reading the removable credits and removing them.
     * Held credits stay until their request is settled or voided. A user active again, or nothing removable
     * (no allocation, or everything consumed or held) writes nothing. Returns what was reclaimed.
     */
    Credits reclaim(TenantId tenant, UserId user, Actor actor) {
        return transactions.execute(tx -> {
            var pool = store.lockPool(tenant);
            if (pool.isEmpty()) {
                return Credits.ZERO;
            }
            var removable = store.lockReclaimable(tenant, user);
            if (removable.isEmpty() || !removable.get().isPositive()) {
                return Credits.ZERO;
            }
            Credits credits = removable.get();
            Instant now = Clocks.now(clock);
            var account = store.remove(tenant, user, credits, now)
                    .orElseThrow(() -> new IllegalStateException("the locked removable credits could not be removed"));
            var poolAfter = store.returnToPool(tenant, credits);
            var remainingAfter = new Credits(account.remaining());
            var id = store.append(tenant, new EntryDraft(user, EntryType.REMOVE, credits, Credits.ZERO, credits.negate(),
                    remainingAfter.plus(credits), remainingAfter, new Credits(account.held()),
                    new Credits(pool.get().unassigned()), new Credits(poolAfter.unassigned()),
                    RECLAIM_NOTE, actor, null, null, now));
            events.publishEvent(new CreditsChanged(tenant, user));
            events.publishEvent(FiguresRaised.pool(tenant));
            events.publishEvent(CreditsMoved.of(tenant, EntryType.REMOVE, id, actor, RECLAIM_NOTE, credits, user, null,
                    account, null, now));
            return credits;
        });
    }

    static final String RECLAIM_NOTE = "the user was deactivated: their unused credits return to the pool";

    private <T> Outcome<T> whyNotRemovable(TenantId tenant, UserId user) {
        return removable(tenant, user).<Outcome<T>>map(removable -> new Refused<>(Refusal.EXCEEDS_REMOVABLE,
                        "at most " + removable + " credits can be removed (unused and not held by a running request)",
                        removable))
                .orElseGet(Allocations::noAllocation);
    }

    /** The removable credits of the user's active allocation, as credits_removable defines them; empty without one. */
    private Optional<Credits> removable(TenantId tenant, UserId user) {
        return admission.standing(tenant, user).filter(AdmissionStore.Standing::allocated)
                .map(standing -> new Credits(standing.removable()));
    }

    private static <T> Refused<T> noAllocation() {
        return new Refused<>(Refusal.NO_ALLOCATION, "the user has no credits assigned");
    }

    private Outcome<Moved> takeFromPool(TenantId tenant, Credits credits, Pool before, Account account) {
        return store.takeFromPool(tenant, credits).<Outcome<Moved>>map(after -> Outcome.done(new Moved(account, before, after)))
                .orElseGet(() -> insufficient(before));
    }

    /** The refusal of credits the pool does not have: its unassigned credits are fewer. */
    static <T> Refused<T> insufficient(Pool pool) {
        var unassigned = new Credits(pool.unassigned());
        return new Refused<>(Refusal.INSUFFICIENT_UNASSIGNED, "only " + unassigned + " credits are unassigned", unassigned);
    }

    private Outcome<Allocated> change(EntryType type, TenantId tenant, UserId user, Credits credits, String note,
            Actor actor, String idempotencyKey) {
        var invalid = (type == EntryType.END ? Optional.<Refused<?>>empty() : Checks.amount(credits))
                .or(() -> Checks.note(note)).or(() -> Checks.idempotencyKey(idempotencyKey));
        if (invalid.isPresent()) {
            return invalid.get().as();
        }
        return transactions.execute(tx -> {
            var pool = store.lockPool(tenant);
            if (pool.isEmpty()) {
                return Refused.notFound("tenant");
            }
            var earlier = earlierEntry(tenant, idempotencyKey);
            if (earlier.isPresent()) {
                var e = earlier.get();
                return e.type() == type && user.equals(e.userId()) && e.credits().equals(credits)
                        && Objects.equals(e.note(), Checks.stored(note))
                        ? Outcome.done(new Allocated(queries.rowAfter(tenant, e).orElseThrow(), true))
                        : Refused.keyReused(idempotencyKey);
            }
            var registered = directory.user(tenant, user);
            Optional<Refused<Allocated>> refused = refusedBy(type, registered.map(User::active));
            if (refused.isPresent()) {
                return refused.get();
            }
            Instant now = Clocks.now(clock);
            return switch (move(type, tenant, user, credits, pool.get(), now)) {
                case Refused<Moved> stepRefused -> {
                    tx.setRollbackOnly();
                    yield stepRefused.as();
                }
                case Outcome.Done<Moved>(var change) -> {
                    record(type, tenant, user, registered.get().email(), credits, change, note, actor, idempotencyKey,
                            now);
                    yield Outcome.done(new Allocated(queries.row(tenant, user).orElseThrow(), false));
                }
            };
        });
    }

    Optional<Entry> earlierEntry(TenantId tenant, String idempotencyKey) {
        return idempotencyKey == null ? Optional.empty() : store.entryByIdempotencyKey(tenant, idempotencyKey);
    }
}

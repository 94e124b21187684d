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
            return Outcome.done(new Purchased(new Purchase(id, credits, ref, Checks.stored(note), actor.name(), now), false));
        });
    }

    Outcome<Allocated> assign(TenantId tenant, UserId user, Credits credits, String note, Actor actor, String key) {
        return change(EntryType.ASSIGN, tenant, user, credits, note, actor, key, (pool, now) -> {
            var account = store.open(tenant, user, credits, now);
            if (account.isEmpty()) {
                return new Refused<>(Refusal.ALREADY_ASSIGNED, "the user already has credits assigned; add credits instead");
            }
            return takeFromPool(tenant, credits, pool, account.get());
        });
    }

    Outcome<Allocated> add(TenantId tenant, UserId user, Credits credits, String note, Actor actor, String key) {
        return change(EntryType.ADD, tenant, user, credits, note, actor, key, (pool, now) -> {
            var account = store.add(tenant, user, credits, now);
            if (account.isEmpty()) {
                return new Refused<>(Refusal.NO_ALLOCATION, "the user has no credits assigned; assign credits first");
            }
            return takeFromPool(tenant, credits, pool, account.get());
        });
    }

    Outcome<Allocated> remove(TenantId tenant, UserId user, Credits credits, String note, Actor actor, String key) {
        return change(EntryType.REMOVE, tenant, user, credits, note, actor, key, (pool, now) -> {
            var account = store.remove(tenant, user, credits, now);
            if (account.isEmpty()) {
                return whyNotRemovable(tenant, user);
            }
            return Outcome.done(new Moved(account.get(), pool, store.returnToPool(tenant, credits)));
        });
    }

    /** Closes an allocation with nothing left to remove: the way out of the table for a user at or below zero. */
    Outcome<Allocated> end(TenantId tenant, UserId user, String note, Actor actor, String key) {
        return change(EntryType.END, tenant, user, Credits.ZERO, note, actor, key, (pool, now) -> {
            var account = store.end(tenant, user, now);
            if (account.isPresent()) {
                return Outcome.done(new Moved(account.get(), pool, pool));
            }
            return removable(tenant, user).<Outcome<Moved>>map(removable -> removable.isPositive()
                    ? new Refused<>(Refusal.EXCEEDS_REMOVABLE,
                            removable + " credits can still be removed; remove them to end the allocation", removable)
                    : new Refused<>(Refusal.CREDITS_HELD,
                            "a running AI request holds credits; the allocation can end once it finishes"))
                    .orElseGet(Allocations::noAllocation);
        });
    }

    private Outcome<Moved> whyNotRemovable(TenantId tenant, UserId user) {
        return removable(tenant, user).<Outcome<Moved>>map(removable -> new Refused<>(Refusal.EXCEEDS_REMOVABLE,
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
        var after = store.takeFromPool(tenant, credits);
        if (after.isEmpty()) {
            var unassigned = new Credits(before.unassigned());
            return new Refused<>(Refusal.INSUFFICIENT_UNASSIGNED, "only " + unassigned + " credits are unassigned", unassigned);
        }
        return Outcome.done(new Moved(account, before, after.get()));
    }

    /** One allocation step inside the locked transaction: what it moved, or why it moved nothing. */
    @FunctionalInterface
    private interface Step {
        Outcome<Moved> apply(Pool lockedPool, Instant now);
    }

    private Outcome<Allocated> change(EntryType type, TenantId tenant, UserId user, Credits credits, String note,
            Actor actor, String idempotencyKey, Step step) {
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
            Optional<User> registered = directory.user(tenant, user);
            if (registered.isEmpty()) {
                return Refused.notFound("user");
            }
            // A deactivated user's credits may still be taken back or their allocation ended, never added to.
            boolean givesCredits = type == EntryType.ASSIGN || type == EntryType.ADD;
            if (!registered.get().active() && givesCredits) {
                return new Refused<>(Refusal.USER_INACTIVE, "the user is deactivated");
            }
            Instant now = Clocks.now(clock);
            return switch (step.apply(pool.get(), now)) {
                case Refused<?> refused -> {
                    tx.setRollbackOnly();
                    yield refused.as();
                }
                case Outcome.Done<Moved>(var change) -> {
                    Credits assignedDelta = type == EntryType.REMOVE ? credits.negate() : givesCredits ? credits : Credits.ZERO;
                    var remainingAfter = new Credits(change.account().remaining());
                    store.append(tenant, new EntryDraft(user, type, credits, Credits.ZERO, assignedDelta,
                            remainingAfter.minus(assignedDelta), remainingAfter, new Credits(change.account().held()),
                            new Credits(change.poolBefore().unassigned()), new Credits(change.poolAfter().unassigned()),
                            Checks.stored(note), actor, null, idempotencyKey, now));
                    events.publishEvent(new CreditsChanged(tenant, user));
                    yield Outcome.done(new Allocated(queries.row(tenant, user).orElseThrow(), false));
                }
            };
        });
    }

    private Optional<Entry> earlierEntry(TenantId tenant, String idempotencyKey) {
        return idempotencyKey == null ? Optional.empty() : store.entryByIdempotencyKey(tenant, idempotencyKey);
    }
}

package com.aicredits.ledger;

import com.aicredits.directory.Directory;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import com.aicredits.ledger.AllocationStore.Account;
import com.aicredits.ledger.AllocationStore.Pool;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Recurring allowances (SPEC part two, "Allowances"): setting one, and granting a period. A grant runs inside
 * a transaction that has locked the tenant's pool row first, like every allocation, and claims the user's
 * (period, first day) row in allowance_grants before it moves anything: that key is why a user is granted once
 * per period whoever runs the grant (the period job on several instances, a retry after a crash, setting the
 * allowance, a role default). A RESET's return to the pool is a REMOVE entry and the grant an ALLOWANCE entry,
 * both by the actor {@code allowance} and carrying the period, in that same transaction.
 */
@Service
class Allowances {

    static final Actor ACTOR = new Actor("allowance");

    private final AllocationStore store;
    private final AllowanceStore allowances;
    private final AllowancePeriods periods;
    private final Directory directory;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final int batchSize;

    /**
     * {@code batchSize}: users granted per transaction. A batch holds its users' account rows until it commits, so
     * a charge for one of them waits that long: smaller batches keep that wait short (bench/run.sh's month start
     * measures it), larger ones commit less often.
     */
    Allowances(AllocationStore store, AllowanceStore allowances, AllowancePeriods periods, Directory directory,
            TransactionTemplate transactions, ApplicationEventPublisher events, Clock clock,
            @org.springframework.beans.factory.annotation.Value("${aicredits.allowances.batch-size:100}") int batchSize) {
        this.batchSize = batchSize;
        this.store = store;
        this.allowances = allowances;
        this.periods = periods;
        this.directory = directory;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
    }

    int batchSize() {
        return batchSize;
    }

    /** Stores the allowance and grants the current period, unless it was granted already, in one transaction. */
    Outcome<Allowance> set(TenantId tenant, UserId user, AllowanceTerms terms, String note, Actor actor) {
        var invalid = Checks.amount(terms.credits()).or(() -> Checks.note(note));
        if (invalid.isPresent()) {
            return invalid.get().as();
        }
        return transactions.execute(tx -> {
            if (store.lockPool(tenant).isEmpty()) {
                return Refused.<Allowance>notFound("tenant");
            }
            var registered = directory.user(tenant, user);
            if (registered.isEmpty()) {
                return Refused.<Allowance>notFound("user");
            }
            if (!registered.get().active()) {
                return new Refused<Allowance>(Refusal.USER_INACTIVE, "the user is deactivated");
            }
            setWithin(tenant, user, terms, note, actor, periods.current(tenant), Clocks.now(clock));
            return Outcome.done(allowances.allowance(tenant, user).orElseThrow());
        });
    }

    /**
     * Stores the allowance and grants {@code current}'s period unless it was granted already, inside the caller's
     * transaction, which holds the pool lock and has checked that the user is active.
     */
    void setWithin(TenantId tenant, UserId user, AllowanceTerms terms, String note, Actor actor, CurrentPeriods current,
            Instant now) {
        allowances.save(tenant, user, terms, Checks.stored(note), actor, now);
        grant(tenant, user, terms, current.of(terms.period()), now);
    }

    /** The periods running now in the tenant's time zone. */
    CurrentPeriods current(TenantId tenant) {
        return periods.current(tenant);
    }

    /**
     * Stores the allowance without granting, inside the caller's transaction, which must not take the pool lock (a
     * registration's: see {@link RoleDefaults}); {@link #grantCurrent} or the next period job run grants it.
     */
    void store(TenantId tenant, UserId user, AllowanceTerms terms, String note, Actor actor) {
        allowances.save(tenant, user, terms, Checks.stored(note), actor, Clocks.now(clock));
    }

    /** Grants the current period of the user's stored allowance, unless it was granted already; one transaction. */
    void grantCurrent(TenantId tenant, UserId user) {
        transactions.executeWithoutResult(tx -> {
            if (store.lockPool(tenant).isEmpty()
                    || directory.user(tenant, user).filter(registered -> registered.active()).isEmpty()) {
                return;
            }
            allowances.allowance(tenant, user).ifPresent(allowance -> grant(tenant, user, allowance.terms(),
                    periods.current(tenant).of(allowance.terms().period()), Clocks.now(clock)));
        });
    }

    /** Stops future grants; what was granted stays. False when the user had no allowance. */
    boolean remove(TenantId tenant, UserId user) {
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            // The pool lock orders this after a grant already running for the user, never halfway through one.
            return store.lockPool(tenant).isPresent() && allowances.delete(tenant, user);
        }));
    }

    /**
     * Grants the current period to every allowance of the tenant that has no grant for it yet, {@code batchSize}
     * users per transaction, so a month start with 100,000 allowances holds the pool lock (and so the tenant's admin
     * operations; consumption never takes it) for one batch at a time. {@code afterBatch} hears each committed
     * batch's number.
     */
    GrantTotals grantDue(TenantId tenant, int batchSize, IntConsumer afterBatch) {
        var current = periods.current(tenant);
        GrantTotals total = GrantTotals.NONE;
        UserId after = null;
        for (int batch = 1; ; batch++) {
            final UserId from = after;
            var done = LockConflicts.retried(() -> transactions.execute(tx -> {
                if (store.lockPool(tenant).isEmpty()) {
                    return new Batch(0, null, GrantTotals.NONE);
                }
                Instant now = Clocks.now(clock);
                var due = allowances.due(tenant, current, from, batchSize);
                store.lockAccounts(tenant, due.stream().map(AllowanceStore.Due::user).toList());
                GrantTotals granted = GrantTotals.NONE;
                for (var d : due) {
                    granted = granted.plus(grant(tenant, d.user(), d.terms(), current.of(d.terms().period()), now));
                }
                return new Batch(due.size(), due.isEmpty() ? null : due.getLast().user(), granted);
            }));
            total = total.plus(done.totals());
            afterBatch.accept(batch);
            if (done.users() < batchSize) {
                return total;
            }
            after = done.last();
        }
    }

    private record Batch(int users, UserId last, GrantTotals totals) {
    }

    /**
     * What an admin runs after a purchase: the current period's missing grants, then the short ones completed as far
     * as the pool goes, oldest first. A user granted in full is untouched.
     */
    GrantTotals grantCurrentPeriod(TenantId tenant, int batchSize) {
        var due = grantDue(tenant, batchSize, batch -> { });
        var current = periods.current(tenant);
        var completed = transactions.execute(tx -> {
            if (store.lockPool(tenant).isEmpty()) {
                return GrantTotals.NONE;
            }
            Instant now = Clocks.now(clock);
            GrantTotals total = GrantTotals.NONE;
            var shortGrants = allowances.shortGrants(tenant, current);
            store.lockAccounts(tenant, shortGrants.stream().map(AllowanceStore.Due::user).toList());
            for (var grant : shortGrants) {
                var period = current.of(grant.terms().period());
                var pool = store.lockPool(tenant).orElseThrow();
                // shortGrants carries the shortfall as the credits still due
                var credits = Credits.min(grant.terms().credits(), new Credits(pool.unassigned()));
                if (!credits.isPositive() || !allowances.complete(tenant, grant.user(), period, credits, now)) {
                    continue;
                }
                give(tenant, grant.user(), credits, store.lockAccount(tenant, grant.user()), pool, period,
                        period.note(grant.terms().mode().name()) + ", completing a short grant", now);
                events.publishEvent(new CreditsChanged(tenant, grant.user()));
                events.publishEvent(new FiguresRaised(tenant, grant.user()));
                total = total.plus(new GrantTotals(credits, Credits.ZERO, 1));
            }
            return total;
        });
        // The shortfall that remains for the current periods after this run, whoever granted the rest.
        return new GrantTotals(due.granted().plus(completed.granted()), allowances.shortfall(tenant, current),
                due.users() + completed.users());
    }

    /**
     * One user's grant for {@code period}, inside the caller's transaction, which holds the pool lock. Nothing when
     * the user was granted for the period already.
     */
    private GrantTotals grant(TenantId tenant, UserId user, AllowanceTerms terms, PeriodStart period, Instant now) {
        if (!allowances.claim(tenant, user, period, terms.mode(), now)) {
            return GrantTotals.NONE;
        }
        String note = period.note(terms.mode().name());
        var account = store.lockAccount(tenant, user);
        var pool = store.lockPool(tenant).orElseThrow();
        Credits returned = Credits.ZERO;
        if (terms.mode() == AllowanceMode.RESET && account.isPresent() && account.get().active()) {
            var before = account.get();
            var removable = new Credits(Math.max(0, before.remaining() - before.held()));
            if (removable.isPositive()) {
                // The account row is locked: what was removable a moment ago still is.
                var after = store.remove(tenant, user, removable, now).orElseThrow();
                var poolAfter = store.returnToPool(tenant, removable);
                var id = store.append(tenant, new EntryDraft(user, EntryType.REMOVE, removable, Credits.ZERO,
                        removable.negate(), new Credits(before.remaining()), new Credits(after.remaining()),
                        new Credits(after.held()), new Credits(pool.unassigned()), new Credits(poolAfter.unassigned()), note,
                        ACTOR, period.key(), null, now));
                events.publishEvent(CreditsMoved.of(tenant, EntryType.REMOVE, id, ACTOR, note, removable, user, null, after,
                        period.key(), now));
                account = Optional.of(after);
                pool = poolAfter;
                returned = removable;
            }
        }
        long remaining = account.map(Account::remaining).orElse(0L);
        Credits due = terms.mode() == AllowanceMode.RESET ? terms.credits()
                : Credits.max(Credits.ZERO, terms.credits().minus(new Credits(remaining)));
        Credits granted = Credits.min(due, new Credits(pool.unassigned()));
        if (granted.isPositive()) {
            give(tenant, user, granted, account, pool, period, note, now);
        }
        allowances.record(tenant, user, period, due, granted, returned, now);
        if (due.minus(granted).isPositive()) {
            events.publishEvent(new PoolShort(tenant, user, null, period.key(), due, granted, due.minus(granted),
                    new Credits(pool.unassigned()).minus(granted), now));
        }
        if (granted.isPositive() || returned.isPositive()) {
            events.publishEvent(new CreditsChanged(tenant, user));
        }
        if (granted.isPositive()) {
            events.publishEvent(new FiguresRaised(tenant, user));
        }
        if (returned.isPositive()) {
            events.publishEvent(FiguresRaised.pool(tenant));
        }
        return new GrantTotals(granted, due.minus(granted), 1);
    }

    /** Moves {@code credits} from the pool to the user, opening (or reopening) the allocation if needed; one ALLOWANCE entry. */
    private void give(TenantId tenant, UserId user, Credits credits, Optional<Account> account, Pool pool,
            PeriodStart period, String note, Instant now) {
        boolean opens = account.isEmpty() || !account.get().active();
        var after = (opens ? store.open(tenant, user, credits, now) : store.add(tenant, user, credits, now)).orElseThrow();
        var poolAfter = store.takeFromPool(tenant, credits)
                .orElseThrow(() -> new IllegalStateException("a grant took more than the locked pool's unassigned credits"));
        var id = store.append(tenant, new EntryDraft(user, EntryType.ALLOWANCE, credits, Credits.ZERO, credits,
                new Credits(after.remaining()).minus(credits), new Credits(after.remaining()), new Credits(after.held()),
                new Credits(pool.unassigned()), new Credits(poolAfter.unassigned()), note, ACTOR, period.key(), null, now,
                opens));
        events.publishEvent(CreditsMoved.of(tenant, EntryType.ALLOWANCE, id, ACTOR, note, credits, user, null, after,
                period.key(), now));
    }
}

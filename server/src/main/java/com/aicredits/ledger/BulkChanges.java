package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import com.aicredits.ledger.AllocationStore.Account;
import com.aicredits.ledger.AllocationStore.Pool;
import com.aicredits.ledger.BulkPreview.Figures;
import com.aicredits.ledger.BulkResult.RowRefused;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Assigns, adds or removes credits for many users as one change: one transaction, the pool row locked first, each
 * row run through the account statement of the single operation ({@link Allocations#moveAccount}) and fitted to the
 * pool as the rows before it left it, then the pool moved once and every row recorded as its own ledger entry
 * ({@link Allocations#entry}), all in one statement each ({@link BulkStore}). Every row is evaluated, so every
 * refused row is reported; any refusal, or a dry run, rolls the whole transaction back, and neither writes the pool
 * or the entries.
 *
 * <p>Evaluating past a refused row is sound: a refused row changed nothing that a later row reads. Each user
 * appears in at most one row (duplicates are refused before anything runs), and the pool changes only when a
 * row succeeds; the one statement a refused row may leave applied (assign opens the account, then the pool
 * refuses) touches that row's own account, and the rollback undoes it.
 */
@Service
class BulkChanges {

    private final Allocations allocations;
    private final AllocationStore store;
    private final BulkStore bulkStore;
    private final TransactionTemplate transactions;
    private final Clock clock;

    BulkChanges(Allocations allocations, AllocationStore store, BulkStore bulkStore, TransactionTemplate transactions,
            Clock clock) {
        this.allocations = allocations;
        this.store = store;
        this.bulkStore = bulkStore;
        this.transactions = transactions;
        this.clock = clock;
    }

    BulkResult apply(TenantId tenant, BulkChange change, Actor actor, String idempotencyKey) {
        var invalid = whole(change, idempotencyKey);
        if (invalid.isPresent()) {
            return new BulkResult.Failed(invalid.get());
        }
        var checked = new TreeMap<Integer, RowRefused>();
        for (int i = 0; i < change.items().size(); i++) {
            var item = change.items().get(i);
            int index = i;
            Checks.amount(item.credits()).or(() -> Checks.note(item.note()))
                    .or(() -> item.userId() == null && (item.email() == null || item.email().isBlank())
                            ? Optional.<Refused<?>>of(Refused.invalid("email", "each row names its user by userId or email"))
                            : Optional.<Refused<?>>empty())
                    .ifPresent(refused -> checked.put(index, RowRefused.of(index, refused)));
        }
        String key = change.dryRun() ? null : idempotencyKey;
        // All or nothing in one transaction, so one chosen as a deadlock victim is run again whole (LockConflicts).
        return LockConflicts.retried(() -> transactions.execute(tx -> {
            var errors = new TreeMap<>(checked); // each attempt starts from the rows' own checks
            var pool = store.lockPool(tenant);
            if (pool.isEmpty()) {
                return new BulkResult.Failed(Refused.notFound("tenant"));
            }
            var users = resolve(tenant, change.items(), errors);
            var earlier = allocations.earlierEntry(tenant, key);
            if (earlier.isPresent()) {
                return replay(tenant, change, users, earlier.get(), key);
            }
            var before = bulkStore.figures(tenant, users.values().stream().map(BulkStore.Person::id).toList());
            var type = change.operation().entryType;
            Instant now = Clocks.now(clock);
            var poolNow = pool.get();
            var moves = new ArrayList<RowMove>();
            for (int i = 0; i < change.items().size(); i++) {
                var person = users.get(i);
                if (person == null || refusedAlready(errors, i)) {
                    continue;
                }
                var item = change.items().get(i);
                Optional<Refused<Moved>> refused = Allocations.refusedBy(type, Optional.of(person.active()));
                if (refused.isPresent()) {
                    errors.put(i, RowRefused.of(i, refused.get()));
                    continue;
                }
                switch (allocations.moveAccount(type, tenant, person.id(), item.credits(), now)) {
                    case Refused<Account> stepRefused -> errors.put(i, RowRefused.of(i, stepRefused));
                    case Outcome.Done<Account>(var account) -> {
                        var poolAfter = fit(type, poolNow, item.credits());
                        if (poolAfter.isEmpty()) {
                            errors.put(i, RowRefused.of(i, Allocations.insufficient(poolNow)));
                        } else {
                            moves.add(new RowMove(person, item, new Moved(account, poolNow, poolAfter.get())));
                            poolNow = poolAfter.get();
                        }
                    }
                }
            }
            if (errors.isEmpty() && !change.dryRun()) {
                record(tenant, change, moves, pool.get(), poolNow, actor, key, now);
            }
            // Each moved row's figures are its account as its statement returned it; the others' are as before.
            var after = new HashMap<>(before);
            moves.forEach(move -> after.put(move.person().id(), Figures.of(move.moved().account())));
            boolean applied = errors.isEmpty() && !change.dryRun();
            if (!applied) {
                tx.setRollbackOnly();
            }
            var preview = new BulkPreview(applied, false, new Credits(pool.get().unassigned()),
                    new Credits(poolNow.unassigned()), rows(change.items(), users, before, after, errors));
            if (errors.isEmpty()) {
                return new BulkResult.Done(preview);
            }
            return new BulkResult.RowsRefused(List.copyOf(errors.values()), preview);
        }));
    }

    /** A row whose account statement went through, and what it did to the account and the pool. */
    private record RowMove(BulkStore.Person person, BulkChange.Item item, Moved moved) {
    }

    /**
     * The pool after a row, fitted to the pool as the rows before it left it (the bulk holds its lock, so nothing
     * else moves it): what {@link AllocationStore#takeFromPool} would answer for the row, whose condition the bulk's one
     * pool statement then checks for the total ({@link BulkStore#movePool}). Empty when too few credits are unassigned.
     */
    private static Optional<Pool> fit(EntryType type, Pool pool, Credits credits) {
        long amount = credits.thousandths();
        return switch (type) {
            case ASSIGN, ADD -> pool.unassigned() >= amount
                    ? Optional.of(new Pool(pool.purchased(), pool.assigned() + amount)) : Optional.empty();
            case REMOVE -> Optional.of(new Pool(pool.purchased(), pool.assigned() - amount));
            default -> throw new IllegalArgumentException(type + " is not a bulk change");
        };
    }

    /**
     * Writes what the rows did once for all of them: the pool's one update, then the entries (the key on the first,
     * as it is unique per tenant among entries), then announces each (listeners act after commit).
     */
    private void record(TenantId tenant, BulkChange change, List<RowMove> moves, Pool before, Pool after, Actor actor,
            String key, Instant now) {
        var type = change.operation().entryType;
        var pool = bulkStore.movePool(tenant, after.assigned() - before.assigned(), moves.size())
                .orElseThrow(() -> new IllegalStateException("the locked pool no longer covers the rows fitted to it"));
        var entries = new ArrayList<EntryDraft>(moves.size());
        for (var move : moves) {
            entries.add(Allocations.entry(type, move.person().id(), move.item().credits(), move.moved(),
                    noteOf(move.item(), change), actor, entries.isEmpty() ? key : null, now));
        }
        var ids = bulkStore.appendAll(tenant, entries, pool.lastSeq() - moves.size() + 1);
        for (var move : moves) {
            allocations.announce(type, tenant, move.person().id(), move.person().email(), move.item().credits(),
                    move.moved(), noteOf(move.item(), change), actor, ids.get(move.person().id()), now);
        }
    }

    /** A row's own note, or the bulk's. */
    private static String noteOf(BulkChange.Item item, BulkChange change) {
        return item.note() != null && !item.note().isBlank() ? item.note() : change.note();
    }

    /** Refusals of the bulk as a whole, before any row is looked at. */
    private static Optional<Refused<?>> whole(BulkChange change, String idempotencyKey) {
        if (change.operation() == null) {
            return Optional.of(Refused.invalid("operation", "operation is assign, add or remove"));
        }
        if (change.items().isEmpty() || change.items().size() > Ledger.MAX_BULK_ITEMS) {
            return Optional.of(Refused.invalid("items", "a bulk change has 1 to " + Ledger.MAX_BULK_ITEMS + " rows"));
        }
        if (!change.dryRun() && idempotencyKey == null) {
            return Optional.of(Refused.invalid("Idempotency-Key", "an Idempotency-Key is required to apply a bulk change"));
        }
        return Checks.note(change.note()).or(() -> Checks.idempotencyKey(idempotencyKey));
    }

    /**
     * Who each row names, by index; rows naming nobody, naming two different users, or naming a user an earlier
     * row already named are refused into {@code errors} (and the loop that applies rows skips every refused one).
     */
    private Map<Integer, BulkStore.Person> resolve(TenantId tenant, List<BulkChange.Item> items, Map<Integer, RowRefused> errors) {
        var ids = new LinkedHashSet<UserId>();
        var emails = new LinkedHashSet<String>();
        for (var item : items) {
            if (item.userId() != null) {
                ids.add(item.userId());
            }
            if (item.email() != null && !item.email().isBlank()) {
                emails.add(BulkStore.emailKey(item.email()));
            }
        }
        var byId = new HashMap<UserId, BulkStore.Person>();
        var byEmail = new HashMap<String, BulkStore.Person>();
        for (var person : bulkStore.people(tenant, ids, emails)) {
            byId.put(person.id(), person);
            byEmail.put(BulkStore.emailKey(person.email()), person);
        }
        var resolved = new HashMap<Integer, BulkStore.Person>();
        var firstRow = new HashMap<UserId, Integer>();
        for (int i = 0; i < items.size(); i++) {
            var item = items.get(i);
            var named = item.userId() == null ? null : byId.get(item.userId());
            var mailed = item.email() == null || item.email().isBlank() ? null : byEmail.get(BulkStore.emailKey(item.email()));
            RowRefused refused = null;
            if (item.userId() != null && named == null) {
                refused = new RowRefused(i, "NOT_FOUND", "no user " + item.userId() + " in this tenant", null);
            } else if (item.email() != null && !item.email().isBlank() && mailed == null) {
                refused = new RowRefused(i, "NOT_FOUND", "no user with email " + item.email().strip() + " in this tenant", null);
            } else if (named != null && mailed != null && !named.id().equals(mailed.id())) {
                refused = new RowRefused(i, "VALIDATION_FAILED", "userId and email name two different users", null);
            } else if (named != null || mailed != null) {
                var person = named != null ? named : mailed;
                // Every row counts for duplicates, even one already refused for its amount or note.
                var first = firstRow.putIfAbsent(person.id(), i);
                if (first != null) {
                    refused = new RowRefused(i, "DUPLICATE_USER", "the user is already in row " + (first + 1) + " (index " + first + ")"
                            + "; a bulk change has one row per user", null);
                }
                resolved.put(i, person); // for the preview's figures; the rows refused here are not run
            }
            if (refused != null) {
                errors.putIfAbsent(i, refused);
            }
        }
        return resolved;
    }

    private static boolean refusedAlready(Map<Integer, RowRefused> errors, int index) {
        return errors.containsKey(index);
    }

    /**
     * The same key came back after the bulk was applied (the HTTP layer replays its stored answer; this is the
     * ledger's own guard for a retry that got past it): the same first row means the same bulk, anything else
     * is a reused key.
     */
    private BulkResult replay(TenantId tenant, BulkChange change, Map<Integer, BulkStore.Person> users, Entry earlier,
            String key) {
        var first = users.get(0);
        var item = change.items().getFirst();
        String note = noteOf(item, change);
        boolean same = first != null && earlier.type() == change.operation().entryType && first.id().equals(earlier.userId())
                && earlier.credits().equals(item.credits()) && Objects.equals(earlier.note(), Checks.stored(note));
        if (!same) {
            return new BulkResult.Failed(Refused.keyReused(key));
        }
        var now = bulkStore.figures(tenant, users.values().stream().map(BulkStore.Person::id).toList());
        var unassigned = store.lockPool(tenant).orElseThrow().unassigned();
        return new BulkResult.Done(new BulkPreview(true, true, new Credits(unassigned), new Credits(unassigned),
                rows(change.items(), users, now, now, Map.of())));
    }

    private static List<BulkPreview.Row> rows(List<BulkChange.Item> items, Map<Integer, BulkStore.Person> users,
            Map<UserId, Figures> before, Map<UserId, Figures> after, Map<Integer, RowRefused> errors) {
        var rows = new ArrayList<BulkPreview.Row>(items.size());
        for (int i = 0; i < items.size(); i++) {
            var person = users.get(i);
            if (person == null) {
                rows.add(new BulkPreview.Row(items.get(i).userId(), items.get(i).email(), Figures.NONE, Figures.NONE));
                continue;
            }
            var was = before.getOrDefault(person.id(), Figures.NONE);
            // A refused row changes nothing: its after is its before, whatever the rolled-back statements left.
            var is = refusedAlready(errors, i) ? was : after.getOrDefault(person.id(), Figures.NONE);
            rows.add(new BulkPreview.Row(person.id(), person.email(), was, is));
        }
        return rows;
    }
}

package com.aicredits.ledger;

import com.aicredits.ledger.BulkPreview.Figures;
import com.aicredits.ledger.BulkResult.RowRefused;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One allowance set for many users at once (the action bar's "Set allowance"): all or nothing in one transaction,
 * each user through the single operation's own steps ({@link Allowances#setWithin}), so each grants the current
 * period at once, as setting one allowance does, and never twice. A dry run, or any refused user, rolls back.
 *
 * <p>No idempotency key: setting the same allowance again stores the same terms, and the period's grant is
 * claimed once per user whoever asks, so a repeated confirm changes nothing more.
 */
@Service
class BulkAllowances {

    private final Allowances allowances;
    private final AllocationStore store;
    private final BulkStore bulkStore;
    private final TransactionTemplate transactions;
    private final Clock clock;

    BulkAllowances(Allowances allowances, AllocationStore store, BulkStore bulkStore, TransactionTemplate transactions,
            Clock clock) {
        this.allowances = allowances;
        this.store = store;
        this.bulkStore = bulkStore;
        this.transactions = transactions;
        this.clock = clock;
    }

    BulkResult set(TenantId tenant, List<UserId> users, AllowanceTerms terms, String note, Actor actor, boolean dryRun) {
        Optional<Refused<?>> invalid = users.isEmpty() || users.size() > Ledger.MAX_BULK_ITEMS
                ? Optional.of(Refused.invalid("items", "a bulk change has 1 to " + Ledger.MAX_BULK_ITEMS + " rows"))
                : Checks.amount(terms.credits()).or(() -> Checks.note(note));
        if (invalid.isPresent()) {
            return new BulkResult.Failed(invalid.get());
        }
        // All or nothing in one transaction, so one chosen as a deadlock victim is run again whole (LockConflicts).
        return LockConflicts.retried(() -> transactions.execute(tx -> {
            var pool = store.lockPool(tenant);
            if (pool.isEmpty()) {
                return new BulkResult.Failed(Refused.notFound("tenant"));
            }
            var found = new HashMap<UserId, BulkStore.Person>();
            bulkStore.people(tenant, users, List.of()).forEach(person -> found.put(person.id(), person));
            var errors = new TreeMap<Integer, RowRefused>();
            var firstRow = new HashMap<UserId, Integer>();
            for (int i = 0; i < users.size(); i++) {
                var person = found.get(users.get(i));
                Integer first = person == null ? null : firstRow.putIfAbsent(person.id(), i);
                if (person == null) {
                    errors.put(i, new RowRefused(i, "NOT_FOUND", "no user " + users.get(i) + " in this tenant", null));
                } else if (first != null) {
                    errors.put(i, new RowRefused(i, "DUPLICATE_USER", "the user is already in row " + (first + 1) + " (index " + first + ")"
                            + "; a bulk change has one row per user", null));
                } else if (!person.active()) {
                    errors.put(i, new RowRefused(i, "USER_INACTIVE", "the user is deactivated", null));
                }
            }
            var before = bulkStore.figures(tenant, found.keySet());
            if (errors.isEmpty()) {
                Instant now = Clocks.now(clock);
                var current = allowances.current(tenant);
                store.lockAccounts(tenant, users);
                users.forEach(user -> allowances.setWithin(tenant, user, terms, note, actor, current, now));
            }
            var after = errors.isEmpty() ? bulkStore.figures(tenant, found.keySet()) : before;
            var poolAfter = errors.isEmpty() ? store.lockPool(tenant).orElseThrow() : pool.get();
            boolean applied = errors.isEmpty() && !dryRun;
            if (!applied) {
                tx.setRollbackOnly();
            }
            var rows = new ArrayList<BulkPreview.Row>(users.size());
            for (var user : users) {
                var person = found.get(user);
                rows.add(new BulkPreview.Row(user, person == null ? null : person.email(),
                        before.getOrDefault(user, Figures.NONE), after.getOrDefault(user, Figures.NONE)));
            }
            var preview = new BulkPreview(applied, false, new Credits(pool.get().unassigned()),
                    new Credits(poolAfter.unassigned()), rows);
            return errors.isEmpty() ? new BulkResult.Done(preview)
                    : new BulkResult.RowsRefused(List.copyOf(errors.values()), preview);
        }));
    }
}

package com.aicredits.ledger;

import com.aicredits.settings.AllowanceTerms;
import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import com.aicredits.ledger.BulkPreview.Figures;
import com.aicredits.ledger.ModelState.Account;
import com.aicredits.ledger.ModelState.Rejection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The model of a bulk change (SPEC part two, "Bulk changes"): every row as the model's own single operation
 * ({@link ModelAllocations#allocate}), in order, then all or nothing: any refused row, or a dry run, puts the model
 * back as it was. What it predicts is {@link Answer}, which {@link ModelRun} compares with the ledger's.
 */
final class ModelBulk {

    private ModelBulk() {
    }

    /** A refused row as the model predicts it: the index, the code and the figure, not the wording. */
    record RowError(int index, String code, Credits limit) {
    }

    /** Everything a bulk answers that the model can predict; {@code errors} empty when no row was refused. */
    record Answer(boolean applied, Credits unassignedBefore, Credits unassignedAfter, List<BulkPreview.Row> rows,
            List<RowError> errors) {

        static Object of(BulkResult result) {
            return switch (result) {
                case BulkResult.Done done -> new Answer(done.preview().applied(), done.preview().unassignedBefore(),
                        done.preview().unassignedAfter(), done.preview().rows(), List.of());
                case BulkResult.RowsRefused refused -> new Answer(refused.preview().applied(),
                        refused.preview().unassignedBefore(), refused.preview().unassignedAfter(), refused.preview().rows(),
                        refused.errors().stream().map(e -> new RowError(e.index(), e.code(), e.limit())).toList());
                case BulkResult.Failed failed -> new Rejection(failed.refused().reason(), failed.refused().limit());
            };
        }
    }

    static Answer bulk(LedgerModel model, EntryType kind, List<UserId> users, List<Credits> credits, String note,
            boolean dryRun) {
        long assignedAtStart = model.assigned;
        var accountsAtStart = new LinkedHashMap<UserId, Account>();
        model.accounts.forEach((user, account) -> accountsAtStart.put(user, copy(account)));
        var unassignedBefore = new Credits(model.unassigned());
        var before = users.stream().map(user -> figures(model, user)).toList();

        var errors = new ArrayList<RowError>();
        var refused = new boolean[users.size()];
        var seen = new HashSet<UserId>();
        for (int i = 0; i < users.size(); i++) {
            var user = users.get(i);
            boolean known = model.users.containsKey(user);
            boolean repeated = known && !seen.add(user);
            String code = !LedgerModel.enterable(credits.get(i)) ? "INVALID_AMOUNT"
                    : !known ? "NOT_FOUND" : repeated ? "DUPLICATE_USER" : null;
            if (code != null) {
                refused[i] = true;
                errors.add(new RowError(i, code, null));
            }
        }
        for (int i = 0; i < users.size(); i++) {
            if (!refused[i] && ModelAllocations.allocate(model, kind, users.get(i), credits.get(i), note, null)
                    instanceof Rejection r) {
                refused[i] = true;
                errors.add(new RowError(i, r.reason().name(), r.limit()));
            }
        }
        errors.sort(java.util.Comparator.comparingInt(RowError::index));
        var unassignedAfter = new Credits(model.unassigned());
        var rows = new ArrayList<BulkPreview.Row>();
        for (int i = 0; i < users.size(); i++) {
            var user = users.get(i);
            var registered = model.users.get(user);
            rows.add(registered == null ? new BulkPreview.Row(user, null, Figures.NONE, Figures.NONE)
                    : new BulkPreview.Row(user, registered.email(), before.get(i), refused[i] ? before.get(i) : figures(model, user)));
        }
        boolean applied = !dryRun && errors.isEmpty();
        if (!applied) {
            model.assigned = assignedAtStart;
            model.accounts.clear();
            model.accounts.putAll(accountsAtStart);
        }
        return new Answer(applied, unassignedBefore, unassignedAfter, rows, errors);
    }

    /**
     * One allowance set for several users ({@link AllowanceSchedule#setAll}): refused as a whole for an invalid amount;
     * unknown, repeated or deactivated users are refused rows and nothing is set; otherwise each user's
     * {@link ModelAllowances#setAllowance}, in order. A dry run's figures after are the ledger's to compute: the
     * model predicts an unchanged tenant, and {@link ModelRun} compares a dry run's answer without them.
     */
    static Object setAllowances(LedgerModel model, List<UserId> users, AllowanceTerms terms, boolean dryRun,
            java.time.Instant now) {
        if (!LedgerModel.enterable(terms.credits())) {
            return new Rejection(com.aicredits.shared.Refusal.INVALID_AMOUNT);
        }
        var unassignedBefore = new Credits(model.unassigned());
        var before = users.stream().map(user -> figures(model, user)).toList();
        var errors = new ArrayList<RowError>();
        var seen = new HashSet<UserId>();
        for (int i = 0; i < users.size(); i++) {
            var user = users.get(i);
            String code = !model.users.containsKey(user) ? "NOT_FOUND" : !seen.add(user) ? "DUPLICATE_USER"
                    : model.inactive.contains(user) ? "USER_INACTIVE" : null;
            if (code != null) {
                errors.add(new RowError(i, code, null));
            }
        }
        boolean applied = !dryRun && errors.isEmpty();
        if (applied) {
            users.forEach(user -> ModelAllowances.setAllowance(model, user, terms, now));
        }
        var rows = new ArrayList<BulkPreview.Row>();
        for (int i = 0; i < users.size(); i++) {
            var registered = model.users.get(users.get(i));
            rows.add(registered == null ? new BulkPreview.Row(users.get(i), null, Figures.NONE, Figures.NONE)
                    : new BulkPreview.Row(users.get(i), registered.email(), before.get(i),
                            applied ? figures(model, users.get(i)) : before.get(i)));
        }
        return new Answer(applied, unassignedBefore, applied ? new Credits(model.unassigned()) : unassignedBefore, rows, errors);
    }

    /** A dry run's answer with its figures after replaced by those before: what the model can compare. */
    static Object withoutAfter(Object answer) {
        if (!(answer instanceof Answer a)) {
            return answer;
        }
        return new Answer(a.applied(), a.unassignedBefore(), a.unassignedBefore(),
                a.rows().stream().map(row -> new BulkPreview.Row(row.userId(), row.email(), row.before(), row.before())).toList(),
                a.errors());
    }

    /** The table's figures (the allocation since it was last opened), as account_standing shows them. */
    private static Figures figures(LedgerModel model, UserId user) {
        var a = model.accounts.get(user);
        return a == null ? Figures.NONE : new Figures(new Credits(a.assigned - a.assignedBeforeOpening),
                new Credits(a.consumed - a.assignedBeforeOpening), new Credits(a.remaining()));
    }

    private static Account copy(Account account) {
        var copy = new Account();
        copy.assigned = account.assigned;
        copy.assignedBeforeOpening = account.assignedBeforeOpening;
        copy.consumed = account.consumed;
        copy.held = account.held;
        copy.openHolds = account.openHolds;
        copy.active = account.active;
        return copy;
    }
}

package com.aicredits.ledger;

import com.aicredits.ledger.ModelState.Account;
import com.aicredits.ledger.ModelState.KeyUse;
import com.aicredits.ledger.ModelState.Rejection;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The pool and the allocations (SPEC, Lifecycle and Amounts) in the {@link LedgerModel}: purchases; assign,
 * add, remove and end; and what the directory's deactivation takes back. Like {@link ModelBulk}, static rules
 * over the model's state: each returns what the ledger must answer and applies its effect.
 */
final class ModelAllocations {

    private ModelAllocations() {
    }

    static Object purchase(LedgerModel model, Credits credits, String reference, String note, String key, Instant now) {
        if (!LedgerModel.enterable(credits)) {
            return new Rejection(Refusal.INVALID_AMOUNT);
        }
        if (reference == null || reference.isBlank()) {
            return new Rejection(Refusal.VALIDATION_FAILED);
        }
        String ref = reference.strip();
        String stored = blankToNull(note);
        if (key != null && model.keys.containsKey(key)) {
            var first = model.keys.get(key);
            return first.kind == EntryType.PURCHASE && first.credits == credits.thousandths()
                    && ref.equals(first.reference) && Objects.equals(first.note, stored)
                    ? new Purchased(first.purchase, true)
                    : new Rejection(Refusal.IDEMPOTENCY_KEY_REUSED);
        }
        if (model.purchased + credits.thousandths() > LedgerModel.MAX_POOL) {
            return new Rejection(Refusal.INVALID_AMOUNT);
        }
        model.purchased += credits.thousandths();
        // The entry id is the database's to choose: the run tells the model the first answer.
        var purchase = new Purchase(null, credits, ref, stored, ModelRun.ADMIN.name(), now);
        if (key != null) {
            model.keys.put(key, new KeyUse(EntryType.PURCHASE, null, credits.thousandths(), stored, ref, purchase));
        }
        return new Purchased(purchase, false);
    }

    /** What the ledger answered to a new purchase: a retry with the same key must repeat it. */
    static void answered(LedgerModel model, String key, Purchase first) {
        if (key != null) {
            model.keys.get(key).purchase = first;
        }
    }

    static Object allocate(LedgerModel model, EntryType kind, UserId user, Credits credits, String note, String key) {
        if (kind != EntryType.END && !LedgerModel.enterable(credits)) {
            return new Rejection(Refusal.INVALID_AMOUNT);
        }
        String stored = blankToNull(note);
        long c = credits.thousandths();
        if (key != null && model.keys.containsKey(key)) {
            var first = model.keys.get(key);
            // A retry answers with the user's row as the first call left it, and changes nothing.
            return first.kind == kind && user.equals(first.user) && first.credits == c
                    && Objects.equals(first.note, stored)
                    ? new Allocated(standingNow(model, first.answer), true)
                    : new Rejection(Refusal.IDEMPOTENCY_KEY_REUSED);
        }
        if (!model.users.containsKey(user)) {
            return new Rejection(Refusal.NOT_FOUND);
        }
        if (model.inactive.contains(user) && (kind == EntryType.ASSIGN || kind == EntryType.ADD)) {
            return new Rejection(Refusal.USER_INACTIVE);
        }
        var account = model.accounts.get(user);
        boolean allocated = account != null && account.active;
        switch (kind) {
            case ASSIGN -> {
                if (allocated) {
                    return new Rejection(Refusal.ALREADY_ASSIGNED);
                }
                if (c > model.unassigned()) {
                    return new Rejection(Refusal.INSUFFICIENT_UNASSIGNED, new Credits(model.unassigned()));
                }
                if (account == null) {
                    account = new Account();
                    model.accounts.put(user, account);
                }
                // Reopening a closed account keeps what it consumed; assigned accumulates, and the table shows
                // the new allocation only.
                account.assignedBeforeOpening = account.assigned;
                account.assigned += c;
                account.active = true;
                model.assigned += c;
            }
            case ADD -> {
                if (!allocated) {
                    return new Rejection(Refusal.NO_ALLOCATION);
                }
                if (c > model.unassigned()) {
                    return new Rejection(Refusal.INSUFFICIENT_UNASSIGNED, new Credits(model.unassigned()));
                }
                account.assigned += c;
                model.assigned += c;
            }
            case REMOVE -> {
                if (!allocated) {
                    return new Rejection(Refusal.NO_ALLOCATION);
                }
                if (c > account.removable()) {
                    return new Rejection(Refusal.EXCEEDS_REMOVABLE, new Credits(account.removable()));
                }
                account.assigned -= c;
                model.assigned -= c;
                account.active = account.remaining() != 0;
            }
            case END -> {
                if (!allocated) {
                    return new Rejection(Refusal.NO_ALLOCATION);
                }
                if (account.removable() > 0) {
                    return new Rejection(Refusal.EXCEEDS_REMOVABLE, new Credits(account.removable()));
                }
                if (account.held > 0) {
                    return new Rejection(Refusal.CREDITS_HELD);
                }
                account.active = false;
            }
            default -> throw new IllegalArgumentException(kind.name());
        }
        var answer = model.row(user);
        if (key != null) {
            var use = new KeyUse(kind, user, c, stored, null, null);
            use.answer = answer;
            model.keys.put(key, use);
        }
        return new Allocated(answer, false);
    }

    // ---------------------------------------------------------------- the directory

    /**
     * A replayed allocation repeats the figures the first call left; whether the person is active is the
     * directory's, as it is now (the row is read through the people view), not as it was then.
     */
    private static AccountRow standingNow(LedgerModel model, AccountRow first) {
        return new AccountRow(first.userId(), first.name(), first.email(), first.role(), first.assigned(),
                first.consumed(), first.remaining(), first.held(), first.removable(), first.usedPercent(),
                first.active(), !model.inactive.contains(first.userId()),
                Optional.ofNullable(model.allowances.get(first.userId())));
    }

    /**
     * The directory deactivates a user: their removable credits, max(0, remaining - held), go back to the pool
     * (a REMOVE by actor directory, closing the allocation if remaining reaches zero); held credits stay until
     * their requests finish ({@link #reclaimLeftovers}). Deactivating an inactive or unknown user does nothing.
     * Returns what went back.
     */
    static Credits deactivate(LedgerModel model, UserId user) {
        if (!model.users.containsKey(user) || !model.inactive.add(user)) {
            return Credits.ZERO;
        }
        return new Credits(reclaim(model, user));
    }

    /**
     * The hold sweeper's round after deactivations: what the requests running at a deactivation gave back when
     * they finished goes back to the pool the same way (the model's tenant reclaims, the default). Returns the total.
     */
    static Credits reclaimLeftovers(LedgerModel model) {
        return new Credits(model.inactive.stream().mapToLong(user -> reclaim(model, user)).sum());
    }

    private static long reclaim(LedgerModel model, UserId user) {
        var account = model.accounts.get(user);
        long removable = account == null || !account.active ? 0 : account.removable();
        if (removable <= 0) {
            return 0;
        }
        account.assigned -= removable;
        model.assigned -= removable;
        account.active = account.remaining() != 0;
        return removable;
    }

    /** Reactivation gives nothing back: the user starts again with what their allocation still holds. */
    static void reactivate(LedgerModel model, UserId user) {
        model.inactive.remove(user);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}

package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import java.util.List;

/**
 * Every row of a bulk change with its figures before and after, and the pool before and after. {@code applied}
 * is false for a dry run and for a refused bulk (whose refused rows keep their before figures);
 * {@code replayed} when an earlier call with the same idempotency key had applied it (the figures are then
 * today's, before and after alike).
 */
public record BulkPreview(boolean applied, boolean replayed, Credits unassignedBefore, Credits unassignedAfter,
        List<Row> rows) {

    public BulkPreview {
        rows = List.copyOf(rows);
    }

    /** {@code userId} null for a row whose user was not found; the figures are those of the table (V9). */
    public record Row(UserId userId, String email, Figures before, Figures after) {
    }

    public record Figures(Credits assigned, Credits consumed, Credits remaining) {
        static final Figures NONE = new Figures(Credits.ZERO, Credits.ZERO, Credits.ZERO);

        /** The figures of an account as its statement returned it. */
        static Figures of(AllocationStore.Account account) {
            return new Figures(account.assignedSinceOpening(), account.consumedSinceOpening(),
                    new Credits(account.remaining()));
        }
    }
}

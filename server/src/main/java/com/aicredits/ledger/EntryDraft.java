package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import java.time.Instant;

/**
 * A ledger entry about to be appended by a purchase, an allocation change or an allowance grant. The before/after
 * figures are null where the entry does not touch them (a purchase has no user; an allocation change no purchase).
 * {@code opensAllocation}: the entry opened (or reopened) the user's allocation, as an ASSIGN always does and a
 * grant may.
 */
record EntryDraft(UserId userId, EntryType type, Credits credits, Credits purchasedDelta, Credits assignedDelta,
        Credits remainingBefore, Credits remainingAfter, Credits heldAfter, Credits unassignedBefore,
        Credits unassignedAfter, String note, Actor actor, String reference, String idempotencyKey, Instant at,
        boolean opensAllocation) {

    EntryDraft(UserId userId, EntryType type, Credits credits, Credits purchasedDelta, Credits assignedDelta,
            Credits remainingBefore, Credits remainingAfter, Credits heldAfter, Credits unassignedBefore,
            Credits unassignedAfter, String note, Actor actor, String reference, String idempotencyKey, Instant at) {
        this(userId, type, credits, purchasedDelta, assignedDelta, remainingBefore, remainingAfter, heldAfter,
                unassignedBefore, unassignedAfter, note, actor, reference, idempotencyKey, at, type == EntryType.ASSIGN);
    }
}

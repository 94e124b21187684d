package com.aicredits.ledger;

import com.aicredits.directory.UserId;
import java.time.Instant;

/** A ledger entry about to be appended by an admin or platform operation. */
record EntryDraft(UserId userId, EntryType type, Credits credits, long purchasedDelta, long assignedDelta,
        Long remainingBefore, Long remainingAfter, Long heldAfter, Long unassignedBefore, Long unassignedAfter,
        String note, Actor actor, String reference, String idempotencyKey, Instant at) {
}

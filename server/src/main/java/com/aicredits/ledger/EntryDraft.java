package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import java.time.Instant;

/**
 * A ledger entry about to be appended by a purchase or an allocation change. The before/after figures are
 * null where the entry does not touch them (a purchase has no user; an allocation change no purchase).
 */
record EntryDraft(UserId userId, EntryType type, Credits credits, Credits purchasedDelta, Credits assignedDelta,
        Credits remainingBefore, Credits remainingAfter, Credits heldAfter, Credits unassignedBefore,
        Credits unassignedAfter, String note, Actor actor, String reference, String idempotencyKey, Instant at) {
}

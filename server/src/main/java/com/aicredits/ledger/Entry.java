package com.aicredits.ledger;

import com.aicredits.directory.UserId;
import java.time.Instant;

/**
 * One immutable ledger entry. {@code credits} is the amount the entry is about (purchased, assigned,
 * held, or the cost); the before/after figures are the user's remaining (null for purchases) and the
 * tenant's unassigned pool (null where the entry does not touch it).
 */
public record Entry(long id, EntryType type, UserId userId, Credits credits, Credits remainingBefore,
        Credits remainingAfter, Credits heldAfter, Credits unassignedBefore, Credits unassignedAfter, String note,
        String actor, String reference, String feature, String requestId, String idempotencyKey, Instant at) {
}

package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.util.UUID;

/**
 * One immutable ledger entry. {@code credits} is the amount the entry is about (purchased, assigned,
 * held, or the cost); the before/after figures are the user's remaining (null for purchases) and the
 * tenant's unassigned pool (null where the entry does not touch it). {@code id} is the ledger's internal order;
 * {@code publicId} is what a tenant is shown (the sequence would tell them every other tenant's volume).
 */
public record Entry(long id, UUID publicId, EntryType type, UserId userId, Credits credits, Credits remainingBefore,
        Credits remainingAfter, Credits heldAfter, Credits unassignedBefore, Credits unassignedAfter, String note,
        String actor, String reference, String feature, String requestId, String idempotencyKey, Instant at) {
}

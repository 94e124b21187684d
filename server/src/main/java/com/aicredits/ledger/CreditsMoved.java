package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.util.UUID;

/**
 * One ledger entry that moved credits between the pool and a person (or into the pool, for a purchase), published
 * inside the transaction that appended it, so a synchronous listener writes in the same transaction (the webhooks'
 * outbox) and a rolled-back change is never announced. Consumption publishes only {@link CreditsChanged}: the
 * charge path stays one statement.
 *
 * <p>{@code userId}, {@code email} and the figures are null for a purchase; {@code email} may be null where the
 * publisher did not have it at hand (a listener that needs it asks the directory). {@code assigned},
 * {@code consumed} and {@code remaining} are the user's after the entry, as the admin table shows them (the
 * current allocation). {@code reference} is the purchase's order reference or the allowance's period.
 */
public record CreditsMoved(TenantId tenantId, Kind kind, UUID entryId, String actor, String note, Credits credits,
        UserId userId, String email, Credits assigned, Credits consumed, Credits remaining, String reference,
        Instant at) {

    public enum Kind {
        PURCHASED, ASSIGNED, ADDED, REMOVED, ALLOWANCE_GRANTED
    }

    /** The event of an entry just appended for {@code user} (null for a purchase), from the account as it now stands. */
    static CreditsMoved of(TenantId tenant, EntryType type, UUID entryId, Actor actor, String note, Credits credits,
            UserId user, String email, AllocationStore.Account account, String reference, Instant at) {
        if (account == null) {
            return new CreditsMoved(tenant, of(type), entryId, actor.name(), note, credits, user, email, null, null, null,
                    reference, at);
        }
        return new CreditsMoved(tenant, of(type), entryId, actor.name(), note, credits, user, email,
                account.assignedSinceOpening(), account.consumedSinceOpening(), new Credits(account.remaining()),
                reference, at);
    }

    static Kind of(EntryType type) {
        return switch (type) {
            case PURCHASE -> Kind.PURCHASED;
            case ASSIGN -> Kind.ASSIGNED;
            case ADD -> Kind.ADDED;
            case REMOVE -> Kind.REMOVED;
            case ALLOWANCE -> Kind.ALLOWANCE_GRANTED;
            default -> throw new IllegalArgumentException(type + " moves no credits between the pool and a person");
        };
    }
}

package com.aicredits.ledger;

public sealed interface AllocationResult permits AllocationResult.Allocated, Refused {

    /**
     * The user's row after assign, add or remove ({@code row.active()} is false when a removal closed the
     * allocation); {@code replayed} when an earlier call with the same idempotency key did the work.
     */
    record Allocated(AccountRow row, boolean replayed) implements AllocationResult {
    }
}

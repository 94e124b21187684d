package com.aicredits.ledger;

/**
 * The user's row after assign, add, remove or end ({@code row.active()} is false when a removal closed the
 * allocation); {@code replayed} when an earlier call with the same idempotency key did the work.
 */
public record Allocated(AccountRow row, boolean replayed) {
}

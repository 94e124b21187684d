package com.aicredits.ledger;

/** The purchase; {@code replayed} when an earlier call with the same idempotency key made it. */
public record Purchased(Purchase purchase, boolean replayed) {
}

package com.aicredits.ledger;

public sealed interface PurchaseResult permits PurchaseResult.Purchased, Refused {

    /** The purchase; {@code replayed} when an earlier call with the same idempotency key made it. */
    record Purchased(Purchase purchase, boolean replayed) implements PurchaseResult {
    }
}

package com.aicredits.ledger;

/** A request's hold released without consuming anything. */
public record Voided(RequestId requestId, boolean replayed) {
}

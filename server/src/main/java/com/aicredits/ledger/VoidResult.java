package com.aicredits.ledger;

public sealed interface VoidResult permits VoidResult.Voided, Refused {

    record Voided(RequestId requestId, boolean replayed) implements VoidResult {
    }
}

package com.aicredits.ledger;

public sealed interface ChargeResult permits Settled, Refused {
}

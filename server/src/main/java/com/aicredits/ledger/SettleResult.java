package com.aicredits.ledger;

public sealed interface SettleResult permits Settled, Refused {
}

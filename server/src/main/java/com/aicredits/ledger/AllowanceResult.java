package com.aicredits.ledger;

/** Setting an allowance: the allowance with the current period's grant, or why nothing changed. */
public sealed interface AllowanceResult permits AllowanceResult.AllowanceSet, Refused {

    record AllowanceSet(Allowance allowance) implements AllowanceResult {
    }
}

package com.aicredits.client;

/** The answer to settle and to charge. */
public sealed interface SettleOutcome permits Settled, Refused {
}

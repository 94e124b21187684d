package com.aicredits.client;

/** The answer to void. */
public sealed interface VoidOutcome permits Voided, Refused {
}

package com.aicredits.client;

import java.math.BigDecimal;

/**
 * The whole cost was recorded; {@code remaining} may be negative (the work was already done). It is null
 * when the outcome was recovered from the request's state after retries.
 */
public record Settled(String requestId, BigDecimal cost, BigDecimal remaining, boolean replayed) implements SettleOutcome {
}

package com.aicredits.client;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The request may start; {@code held} credits are reserved until settle, void or {@code expiresAt}.
 * {@code available} is null when the outcome was recovered from the request's state after retries.
 */
public record Authorized(String requestId, BigDecimal held, BigDecimal available, Instant expiresAt, boolean replayed)
        implements AuthorizeOutcome {
}

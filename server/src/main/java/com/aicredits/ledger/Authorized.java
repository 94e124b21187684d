package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import java.time.Instant;

/** A hold of {@code held}; {@code available} is what the user had left after placing it. */
public record Authorized(RequestId requestId, Credits held, Credits available, Instant expiresAt, boolean replayed) {
}

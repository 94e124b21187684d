package com.aicredits.ledger;

import java.time.Instant;

public sealed interface AuthorizeResult permits AuthorizeResult.Authorized, Refused {

    /** A hold of {@code held}; {@code available} is what the user had left after placing it. */
    record Authorized(RequestId requestId, Credits held, Credits available, Instant expiresAt, boolean replayed)
            implements AuthorizeResult {
    }
}

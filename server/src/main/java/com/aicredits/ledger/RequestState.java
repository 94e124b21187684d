package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import java.time.Instant;

/** Where one AI request stands, for a caller resolving an unknown outcome after a timeout. */
public record RequestState(RequestId requestId, UserId userId, String feature, Status status, Credits held,
        Credits cost, Instant createdAt, Instant expiresAt, Instant finishedAt) {

    public enum Status {
        AUTHORIZED, SETTLED, VOIDED, EXPIRED
    }
}

package com.aicredits.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One event's delivery to one endpoint, with its log of attempts (oldest first). */
public record Delivery(UUID id, UUID eventId, String type, Status status, int attempts, Integer lastStatusCode,
        String lastError, Instant nextAttemptAt, Instant deliveredAt, Instant createdAt, List<Attempt> log) {

    public enum Status {
        PENDING, DELIVERED, FAILED
    }

    /** {@code statusCode} is null when no answer came (refused target, connection error, timeout). */
    public record Attempt(int attempt, Instant at, Integer statusCode, int latencyMs, String responseExcerpt,
            String error) {
    }
}

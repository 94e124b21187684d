package com.aicredits.client;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** Where a request stands on the service: AUTHORIZED, SETTLED, VOIDED or EXPIRED. */
public record RequestState(String requestId, UUID userId, String feature, String status, BigDecimal held,
        BigDecimal cost, Instant createdAt, Instant expiresAt, Instant finishedAt) {
}

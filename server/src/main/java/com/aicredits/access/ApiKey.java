package com.aicredits.access;

import com.aicredits.shared.TenantId;
import java.time.Instant;
import java.util.UUID;

/** An API key as listed: never the key itself, which is shown once at creation. */
public record ApiKey(UUID id, TenantId tenantId, String name, ApiKeyScope scope, Instant createdAt, Instant lastUsedAt,
        Instant revokedAt) {
}

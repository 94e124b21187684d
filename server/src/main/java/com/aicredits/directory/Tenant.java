package com.aicredits.directory;

import com.aicredits.shared.TenantId;
import java.time.Instant;

public record Tenant(TenantId id, String name, Instant createdAt) {
}

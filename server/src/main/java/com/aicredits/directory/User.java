package com.aicredits.directory;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Instant;

/** A registered user of one tenant. The password hash never leaves the directory. */
public record User(UserId id, TenantId tenantId, String name, String email, Role role, boolean active,
        String externalId, Instant createdAt) {
}

package com.aicredits.directory;

import java.time.Instant;

/** A registered user of one tenant. The password hash never leaves the directory. */
public record User(UserId id, TenantId tenantId, String name, String email, Role role, boolean active,
        String externalId, Instant createdAt) {
}

package com.aicredits.directory;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Instant;

/** A registered user of one tenant. The password hash never leaves the directory. */
public record User(UserId id, TenantId tenantId, String name, String email, Role role, boolean active,
        String externalId, Instant createdAt, Source source) {

    /** A user an admin entered (the source of every user before SCIM and single sign-on). */
    public User(UserId id, TenantId tenantId, String name, String email, Role role, boolean active,
            String externalId, Instant createdAt) {
        this(id, tenantId, name, email, role, active, externalId, createdAt, Source.MANUAL);
    }
}

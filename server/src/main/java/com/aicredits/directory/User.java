package com.aicredits.directory;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Instant;

/**
 * A registered user of one tenant. The password hash never leaves the directory. {@code changedAt}: when the record
 * (name, e-mail, role, state, external id) last changed; {@code createdAt} until it first does.
 */
public record User(UserId id, TenantId tenantId, String name, String email, Role role, boolean active,
        String externalId, Instant createdAt, Source source, Instant changedAt) {

    /** A new user: never changed yet. */
    public User(UserId id, TenantId tenantId, String name, String email, Role role, boolean active,
            String externalId, Instant createdAt, Source source) {
        this(id, tenantId, name, email, role, active, externalId, createdAt, source, createdAt);
    }

    /** A user an admin entered (the source of every user before SCIM and single sign-on). */
    public User(UserId id, TenantId tenantId, String name, String email, Role role, boolean active,
            String externalId, Instant createdAt) {
        this(id, tenantId, name, email, role, active, externalId, createdAt, Source.MANUAL);
    }
}

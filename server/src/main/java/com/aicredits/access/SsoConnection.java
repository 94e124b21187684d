package com.aicredits.access;

import com.aicredits.directory.Role;
import com.aicredits.shared.TenantId;
import java.time.Instant;

/**
 * A tenant's OpenID Connect provider, as an admin may read it: never the client secret. {@code justInTimeRole}
 * is the role of people created at their first sign-on, or null when unknown people are refused.
 */
public record SsoConnection(TenantId tenantId, String issuer, String clientId, boolean enforced, Role justInTimeRole,
        Instant updatedAt) {
}

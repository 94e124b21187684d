package com.aicredits.directory;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;

/**
 * A user was registered, by whatever way (an admin, the API, directory provisioning). Published inside the
 * registering transaction, so what other modules do for a new user (a role's default allowance) commits with it.
 */
public record UserRegistered(TenantId tenantId, UserId userId, Role role) {
}

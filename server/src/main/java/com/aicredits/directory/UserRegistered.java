package com.aicredits.directory;

/**
 * A user was registered, by whatever way (an admin, the API, directory provisioning). Published inside the
 * registering transaction, so what other modules do for a new user (a role's default allowance) commits with it.
 */
public record UserRegistered(TenantId tenantId, UserId userId, Role role) {
}

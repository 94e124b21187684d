package com.aicredits.directory;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;




/**
 * A user's role, active state or password changed: whatever a session of theirs was granted before may no
 * longer hold, so every one of their sessions is ended (on every instance).
 */
public record UserStandingChanged(TenantId tenantId, UserId userId) {
}

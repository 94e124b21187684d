package com.aicredits.directory;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;

/**
 * A user was deactivated (by an admin, the API or the customer's directory). Published inside the
 * deactivating transaction, so a listener's writes (the ledger reclaiming the user's unused credits) commit
 * or roll back together with the deactivation. Reactivation publishes nothing: it gives nothing back.
 */
public record UserDeactivated(TenantId tenantId, UserId userId) {
}

package com.aicredits.ledger;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;





/**
 * Published inside the transaction of every change to a tenant's credits; {@code userId} is null for a
 * purchase. Listeners that act after commit (live pages) never see a change that was rolled back.
 */
public record CreditsChanged(TenantId tenantId, UserId userId) {
}

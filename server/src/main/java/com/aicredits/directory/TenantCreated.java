package com.aicredits.directory;

import com.aicredits.shared.TenantId;




/** Published inside the creating transaction, so other modules set up the tenant's state atomically with it. */
public record TenantCreated(TenantId tenantId) {
}

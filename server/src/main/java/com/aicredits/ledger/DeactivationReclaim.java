package com.aicredits.ledger;

import com.aicredits.shared.TenantId;
import com.aicredits.directory.UserDeactivated;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When the directory deactivates a user (an admin, the API, or the customer's SCIM directory), their unused
 * credits go back to the pool as a REMOVE entry by actor {@code directory}. A plain (synchronous) listener:
 * it runs inside the deactivating transaction, so the deactivation and the entry commit together or not at
 * all. The directory knows nothing of credits; the ledger listens.
 */
@Component
class DeactivationReclaim {

    static final Actor DIRECTORY = new Actor("directory");

    private final Allocations allocations;
    private final boolean reclaimByDefault;

    DeactivationReclaim(Allocations allocations,
            @Value("${aicredits.directory.reclaim-on-deactivate:true}") boolean reclaimByDefault) {
        this.allocations = allocations;
        this.reclaimByDefault = reclaimByDefault;
    }

    @EventListener
    void on(UserDeactivated deactivated) {
        if (reclaimsOnDeactivation(deactivated.tenantId())) {
            allocations.reclaim(deactivated.tenantId(), deactivated.userId(), DIRECTORY);
        }
    }

    /**
     * The tenant setting reclaimOnDeactivate (default on). Tenant settings are not stored yet, so every tenant
     * has the service-wide value ({@code aicredits.directory.reclaim-on-deactivate}); this is the one place to
     * read the tenant's own setting once the settings module holds it.
     */
    boolean reclaimsOnDeactivation(TenantId tenant) {
        return reclaimByDefault;
    }
}

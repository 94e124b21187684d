package com.aicredits.ledger;

import com.aicredits.directory.UserDeactivated;
import com.aicredits.settings.TenantSettings;
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
    private final TenantSettings settings;

    DeactivationReclaim(Allocations allocations, TenantSettings settings) {
        this.allocations = allocations;
        this.settings = settings;
    }

    @EventListener
    void on(UserDeactivated deactivated) {
        // The tenant's reclaimOnDeactivate setting (default on).
        if (settings.reclaimOnDeactivate(deactivated.tenantId())) {
            allocations.reclaim(deactivated.tenantId(), deactivated.userId(), DIRECTORY);
        }
    }
}

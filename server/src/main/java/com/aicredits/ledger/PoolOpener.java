package com.aicredits.ledger;

import com.aicredits.directory.TenantCreated;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Every tenant gets its (empty) pool in the same transaction that creates the tenant. */
@Component
class PoolOpener {

    private final AllocationStore allocations;

    PoolOpener(AllocationStore allocations) {
        this.allocations = allocations;
    }

    @EventListener
    void on(TenantCreated event) {
        allocations.openPool(event.tenantId());
    }
}

package com.aicredits.ledger;

import com.aicredits.directory.UserDeactivated;
import com.aicredits.settings.TenantSettings;
import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import java.util.List;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When the directory deactivates a user (an admin, the API, or the customer's SCIM directory), their unused
 * credits go back to the pool as a REMOVE entry by actor {@code directory}. A plain (synchronous) listener:
 * it runs inside the deactivating transaction, so the deactivation and the entry commit together or not at
 * all. The directory knows nothing of credits; the ledger listens.
 *
 * <p>Credits held by a request still running at that moment stay with the user until it finishes; what it then
 * gives back (a settle below its hold, a void, an expiry) is reclaimed by {@link #reclaimLeftovers()}, which the
 * hold sweeper runs after its expiries. A sweep, not a step of the settle: the consumption path stays one
 * statement, and a crash between a settle and its reclaim loses nothing.
 */
@Component
class DeactivationReclaim {

    static final Actor DIRECTORY = new Actor("directory");

    /** Users reclaimed per sweep; the next sweep takes the rest. */
    private static final int PER_SWEEP = 500;

    private final Allocations allocations;
    private final AllocationStore store;
    private final TenantSettings settings;

    DeactivationReclaim(Allocations allocations, AllocationStore store, TenantSettings settings) {
        this.allocations = allocations;
        this.store = store;
        this.settings = settings;
    }

    @EventListener
    void on(UserDeactivated deactivated) {
        // The tenant's reclaimOnDeactivate setting (default on).
        if (settings.reclaimOnDeactivate(deactivated.tenantId())) {
            allocations.reclaim(deactivated.tenantId(), deactivated.userId(), DIRECTORY);
        }
    }

    /**
     * Reclaims what deactivated users' finished requests gave back, in every tenant that reclaims at deactivation
     * (the same choice as {@link #on}, read in the sweep's statement). Each user as at deactivation, in a
     * transaction of their own: instances sweeping at once reclaim each credit once. Returns the credits reclaimed.
     */
    Credits reclaimLeftovers() {
        return reclaim(store.leftovers(null, PER_SWEEP));
    }

    /** The same for one tenant. */
    Credits reclaimLeftovers(TenantId tenant) {
        return reclaim(store.leftovers(tenant, PER_SWEEP));
    }

    private Credits reclaim(List<AllocationStore.Leftover> leftovers) {
        Credits total = Credits.ZERO;
        for (var leftover : leftovers) {
            total = total.plus(allocations.reclaim(leftover.tenant(), leftover.user(), DIRECTORY));
        }
        return total;
    }
}

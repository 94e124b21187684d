package com.aicredits.settings;

import com.aicredits.shared.TenantId;
import java.util.Optional;

/**
 * The tenant's limit of requests in flight per user (maxHoldsPerUser) lives with the statements that enforce it,
 * in the ledger's pool row; the ledger implements this so the settings read and change it there, not in a copy.
 */
public interface HoldLimits {

    int MIN = 1;
    int MAX = 1000;

    /** Empty for an unknown tenant. */
    Optional<Integer> holdLimit(TenantId tenant);

    void changeHoldLimit(TenantId tenant, int limit);
}

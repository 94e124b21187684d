package com.aicredits.ledger;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;

/**
 * Published inside the transaction of a change that can raise a user's figures (assign, add, a grant) or, with no
 * user, the pool's (a purchase, a removal, a deactivation's reclaim, a RESET grant's return), so that
 * {@link Alerts} re-arms what is above its threshold again before the change commits.
 */
record FiguresRaised(TenantId tenant, UserId user) {

    static FiguresRaised pool(TenantId tenant) {
        return new FiguresRaised(tenant, null);
    }
}

package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Instant;

/**
 * An allowance grant the pool could not cover in full (SPEC, "Allowances": the user gets what the pool has and the
 * grant records the shortfall), published inside the granting transaction. {@code email} may be null.
 */
public record PoolShort(TenantId tenantId, UserId userId, String email, String period, Credits due, Credits granted,
        Credits shortfall, Credits unassigned, Instant at) {
}

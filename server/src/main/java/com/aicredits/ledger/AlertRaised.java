package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Instant;

/**
 * An alert fired, once for its crossing (SPEC part two, "Alerts and notifications"). Published inside the
 * transaction that records the crossing in {@code alert_states}, so a listener that writes in that transaction
 * (a notification, a webhook outbox row) is written exactly once with it.
 *
 * @param userId    the user concerned; null for the tenant-wide alerts ({@code pool.low})
 * @param type      the webhook event type: {@code user.low_balance}, {@code user.exhausted} or {@code pool.low}
 * @param measure   which figure crossed: {@code remaining}, {@code available}, {@code unassigned} or
 *                  {@code tenantAvailable}
 * @param figure    the figure after the change that crossed
 * @param threshold the threshold it fell to or below
 */
public record AlertRaised(TenantId tenantId, UserId userId, String type, String measure, Credits figure,
        Credits threshold, Instant at) {

    public static final String USER_LOW_BALANCE = "user.low_balance";
    public static final String USER_EXHAUSTED = "user.exhausted";
    public static final String POOL_LOW = "pool.low";
}

package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import java.math.BigDecimal;

/**
 * The five summary cards of a tenant. Percentages are of purchased, 0 when nothing was purchased.
 * {@code usersWithCredits} counts the active allocations (the API's figure, SPEC "Users with Credits"), which
 * includes a deactivated person's allocation that is still open (held or over-consumed credits, or a tenant that
 * does not reclaim); {@code activeUsersWithCredits} leaves those out, so that it counts among the
 * {@code totalUsers}, the people the directory has not deactivated, as the card's "N of M active users" says.
 */
public record Summary(Credits totalPurchased, Credits totalUtilized, BigDecimal utilizedPercent,
        Credits totalAvailable, BigDecimal availablePercent, long usersWithCredits, long activeUsersWithCredits,
        long totalUsers, Credits creditsUnassigned) {
}

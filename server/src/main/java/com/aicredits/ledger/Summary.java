package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import java.math.BigDecimal;

/** The five summary cards of a tenant. Percentages are of purchased, 0 when nothing was purchased. */
public record Summary(Credits totalPurchased, Credits totalUtilized, BigDecimal utilizedPercent,
        Credits totalAvailable, BigDecimal availablePercent, long usersWithCredits, long totalUsers,
        Credits creditsUnassigned) {
}

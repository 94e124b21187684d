package com.aicredits.client;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.UUID;

/** One charge of a batch ({@link AiCreditsClient#charge(java.util.List)}): what a single charge takes. */
public record ChargeItem(String requestId, UUID userId, String feature, BigDecimal cost) {

    public ChargeItem {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(feature, "feature");
        Objects.requireNonNull(cost, "cost");
    }
}

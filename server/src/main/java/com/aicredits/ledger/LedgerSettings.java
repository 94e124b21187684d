package com.aicredits.ledger;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Consumption settings ({@code aicredits.ledger.*}): how long a hold lives, how long after authorization a
 * request may still be settled (its settle deadline), and how much to hold for an authorize that brings no
 * estimate (per feature, else the default).
 */
@ConfigurationProperties("aicredits.ledger")
record LedgerSettings(Duration holdTtl, Duration settleDeadline, BigDecimal defaultEstimate,
        Map<String, BigDecimal> featureEstimates) {

    LedgerSettings {
        holdTtl = holdTtl == null ? Duration.ofMinutes(15) : holdTtl;
        settleDeadline = settleDeadline == null ? Duration.ofHours(24) : settleDeadline;
        if (settleDeadline.compareTo(holdTtl) < 0) {
            // A request must be settleable at least as long as it may hold credits.
            throw new IllegalStateException("aicredits.ledger.settle-deadline (" + settleDeadline
                    + ") must not be shorter than aicredits.ledger.hold-ttl (" + holdTtl + ")");
        }
        defaultEstimate = defaultEstimate == null ? BigDecimal.ONE : defaultEstimate;
        featureEstimates = featureEstimates == null ? Map.of() : Map.copyOf(featureEstimates);
    }

    Credits estimateFor(String feature) {
        var configured = featureEstimates.getOrDefault(feature, defaultEstimate);
        return switch (Credits.parse(configured)) {
            case Credits.Entered.Valid valid -> valid.credits();
            case Credits.Entered.Invalid invalid -> throw new IllegalStateException(
                    "aicredits.ledger estimate for " + feature + ": " + invalid.message());
        };
    }
}

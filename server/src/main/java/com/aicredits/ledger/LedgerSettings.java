package com.aicredits.ledger;

import com.aicredits.shared.Credits;
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
        if (holdTtl.isNegative() || holdTtl.isZero()) {
            throw new IllegalStateException("aicredits.ledger.hold-ttl must be positive, not " + holdTtl);
        }
        settleDeadline = settleDeadline == null ? Duration.ofHours(24) : settleDeadline;
        if (settleDeadline.compareTo(holdTtl) < 0) {
            // A request must be settleable at least as long as it may hold credits.
            throw new IllegalStateException("aicredits.ledger.settle-deadline (" + settleDeadline
                    + ") must not be shorter than aicredits.ledger.hold-ttl (" + holdTtl + ")");
        }
        defaultEstimate = defaultEstimate == null ? BigDecimal.ONE : defaultEstimate;
        featureEstimates = featureEstimates == null ? Map.of() : Map.copyOf(featureEstimates);
        // A malformed estimate fails the start, not every authorize of its feature.
        estimate("default-estimate", defaultEstimate);
        featureEstimates.forEach((feature, estimate) -> estimate("feature-estimates." + feature, estimate));
    }

    Credits estimateFor(String feature) {
        return Credits.parse(featureEstimates.getOrDefault(feature, defaultEstimate)).orElseThrow();
    }

    private static Credits estimate(String setting, BigDecimal value) {
        return switch (Credits.parse(value)) {
            case Credits.Entered.Valid valid -> valid.credits();
            case Credits.Entered.Invalid invalid -> throw new IllegalStateException(
                    "aicredits.ledger." + setting + ": " + invalid.message());
        };
    }
}

package com.aicredits.ledger;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Batch consumption on one instance ({@code aicredits.ledger.batch.*}, see {@link ChargeBatches}): how many batch
 * calls apply at once, and how long a call waits for its turn before it is refused with {@code 503}.
 */
@ConfigurationProperties("aicredits.ledger.batch")
record BatchSettings(Integer inFlight, Duration maxWait) {

    BatchSettings {
        inFlight = inFlight == null ? 4 : inFlight;
        maxWait = maxWait == null ? Duration.ofSeconds(10) : maxWait;
        // A bad setting fails the start, not the batches.
        if (inFlight < 1) {
            throw new IllegalStateException("aicredits.ledger.batch.in-flight must be at least 1, not " + inFlight);
        }
        if (maxWait.isNegative()) {
            throw new IllegalStateException("aicredits.ledger.batch.max-wait must not be negative, not " + maxWait);
        }
    }
}

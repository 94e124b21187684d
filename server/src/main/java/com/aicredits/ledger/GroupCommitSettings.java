package com.aicredits.ledger;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Group commit of single charges ({@code aicredits.ledger.group-commit.*}, issue 16; see {@link ChargeGatherer}):
 * whether it is on, how many charges one group takes at most, how long a group formed while another commit was in
 * flight may wait for more arrivals before it applies (zero: not at all), and how many groups of one tenant may be
 * in flight at once.
 */
@ConfigurationProperties("aicredits.ledger.group-commit")
record GroupCommitSettings(Boolean enabled, Integer maxItems, Duration maxWait, Integer inFlight) {

    GroupCommitSettings {
        // On unless turned off: on a quiet benchmark machine it gave 1.6-2 x the charges per second at 32 and 128
        // clients (BENCHMARKS.md, "Issue 16: group commit, on a quiet machine").
        enabled = enabled == null || enabled;
        maxItems = maxItems == null ? 100 : maxItems;
        maxWait = maxWait == null ? Duration.ZERO : maxWait;
        inFlight = inFlight == null ? 2 : inFlight;
        // A bad setting fails the start, not the charges.
        if (maxItems < 1 || maxItems > ChargeItem.MAX_PER_BATCH) {
            throw new IllegalStateException("aicredits.ledger.group-commit.max-items must be 1 to "
                    + ChargeItem.MAX_PER_BATCH + ", not " + maxItems);
        }
        if (maxWait.isNegative() || maxWait.compareTo(Duration.ofMillis(100)) > 0) {
            throw new IllegalStateException("aicredits.ledger.group-commit.max-wait must be 0 to 100 ms, not " + maxWait);
        }
        if (inFlight < 1) {
            throw new IllegalStateException("aicredits.ledger.group-commit.in-flight must be at least 1, not " + inFlight);
        }
    }
}

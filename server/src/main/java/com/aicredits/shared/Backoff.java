package com.aicredits.shared;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** How long an outbox worker waits after the n-th failed attempt: doubling from {@code initial}, capped at {@code maxDelay}. */
public record Backoff(Duration initial, Duration maxDelay) {

    public Duration after(int attempts) {
        long base = initial.toMillis() << Math.min(Math.max(attempts - 1, 0), 30);
        long capped = Math.min(base <= 0 ? Long.MAX_VALUE : base, maxDelay.toMillis());
        // ±20 %, so items that failed together are not all retried in the same instant
        return Duration.ofMillis(Math.max(1, (long) (capped * ThreadLocalRandom.current().nextDouble(0.8, 1.2))));
    }
}

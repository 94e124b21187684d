package com.aicredits.api;

/**
 * The call cannot be served now because the service is at a limit it keeps on purpose (not because anything is
 * wrong): answered {@code 503 UNAVAILABLE} with this detail; nothing was applied, and the same call may be retried.
 */
public class Busy extends RuntimeException {

    public Busy(String detail) {
        super(detail, null, false, false);
    }
}

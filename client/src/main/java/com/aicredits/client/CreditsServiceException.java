package com.aicredits.client;

/**
 * The call could not be completed: the service stayed unreachable through every retry, or answered in a
 * way that means the client is misconfigured (bad key, wrong tenant, malformed call). Not a refusal.
 */
public class CreditsServiceException extends RuntimeException {

    private final int status;

    public CreditsServiceException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The last HTTP status seen, or 0 when no answer arrived at all. */
    public int status() {
        return status;
    }
}

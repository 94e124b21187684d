package com.aicredits.client;

/**
 * The call could not be completed: the service stayed unreachable through every retry, or refused the key
 * (401 unknown or revoked, 403 another scope); {@code balance} also throws on any answer but 200. Not a refusal.
 * A wrong tenant id is no exception: the service answers another tenant's paths with 404 as if they did not
 * exist, so it reads as an unknown user or request ({@code Refused} with {@code NOT_FOUND}).
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

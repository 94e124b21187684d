package com.aicredits.directory;

/** The outcome of registering or changing a user: the user, or a refusal that changed nothing. */
public sealed interface DirectoryResult {

    record Done(User user) implements DirectoryResult {
    }

    /** {@code field} names the malformed field of a VALIDATION_FAILED; null otherwise. */
    record Refused(Reason reason, String message, String field) implements DirectoryResult {
        public Refused(Reason reason, String message) {
            this(reason, message, null);
        }
    }

    enum Reason {
        /** The tenant or user does not exist, or belongs to another tenant. */
        NOT_FOUND,
        /** Another user of the tenant already has this email. */
        EMAIL_TAKEN,
        /** A field is missing, too long or malformed; the message names it. */
        VALIDATION_FAILED
    }
}

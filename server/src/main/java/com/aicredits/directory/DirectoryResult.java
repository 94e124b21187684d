package com.aicredits.directory;

/** The outcome of registering or changing a user: the user, or a refusal that changed nothing. */
public sealed interface DirectoryResult {

    record Done(User user) implements DirectoryResult {
    }

    record Refused(Reason reason, String message) implements DirectoryResult {
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

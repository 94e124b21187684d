package com.aicredits.ledger;

import java.util.Objects;

/** The caller-chosen id of one AI request; it makes authorize, settle, void and charge idempotent. */
public record RequestId(String value) {

    public static final int MAX_LENGTH = 128;

    public RequestId {
        Objects.requireNonNull(value, "request id");
    }

    /**
     * 1 to 128 characters, none a control character, and usable as the path segment of settle, void and the request's
     * state: none of {@code / \ % ;} and not {@code .} or {@code ..}, which the server's firewall refuses in a path
     * however they are encoded. An authorization taken with such an id could never be settled or voided, and its
     * hold kept a slot of the user's in-flight limit until its settle deadline (a probe on December 5 locked a user
     * out with four).
     */
    public boolean isWellFormed() {
        // One pass over the characters: this runs on every consumption call.
        return !value.isBlank() && value.length() <= MAX_LENGTH && !value.equals(".") && !value.equals("..")
                && value.chars().noneMatch(c -> Character.isISOControl(c) || c == '/' || c == '\\' || c == '%' || c == ';');
    }

    @Override
    public String toString() {
        return value;
    }
}

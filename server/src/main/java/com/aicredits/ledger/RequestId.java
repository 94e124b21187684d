package com.aicredits.ledger;

import java.util.Objects;

/** The caller-chosen id of one AI request; it makes authorize, settle, void and charge idempotent. */
public record RequestId(String value) {

    public static final int MAX_LENGTH = 128;

    public RequestId {
        Objects.requireNonNull(value, "request id");
    }

    public boolean isWellFormed() {
        return !value.isBlank() && value.length() <= MAX_LENGTH && value.chars().noneMatch(Character::isISOControl);
    }

    @Override
    public String toString() {
        return value;
    }
}

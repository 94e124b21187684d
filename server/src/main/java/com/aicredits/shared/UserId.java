package com.aicredits.shared;

import java.util.Objects;
import java.util.UUID;

/** A user's id; unique on its own, but always looked up together with its tenant. Serializable: it is part of a signed-in session, stored in PostgreSQL. */
public record UserId(UUID value) implements java.io.Serializable {

    public UserId {
        Objects.requireNonNull(value, "user id");
    }

    public static UserId of(String value) {
        return new UserId(UUID.fromString(value));
    }

    public static UserId random() {
        return new UserId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}

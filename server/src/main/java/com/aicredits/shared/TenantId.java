package com.aicredits.shared;

import java.util.Objects;
import java.util.UUID;

/** A tenant's id. Every query of tenant data takes one. Serializable: it is part of a signed-in session, stored in PostgreSQL. */
public record TenantId(UUID value) implements java.io.Serializable {

    public TenantId {
        Objects.requireNonNull(value, "tenant id");
    }

    public static TenantId of(String value) {
        return new TenantId(UUID.fromString(value));
    }

    public static TenantId random() {
        return new TenantId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}

package com.aicredits.access;

import java.util.Arrays;
import java.util.Optional;

/** What a tenant's API key may do. */
public enum ApiKeyScope {
    admin, consume,
    /** The tenant's customer directory: the SCIM endpoints (/scim/v2) of that tenant, nothing else. */
    scim;

    public static Optional<ApiKeyScope> parse(String text) {
        return Arrays.stream(values()).filter(scope -> scope.name().equals(text)).findFirst();
    }
}

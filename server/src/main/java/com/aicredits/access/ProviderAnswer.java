package com.aicredits.access;

/**
 * Whether a tenant's OpenID provider can be discovered now: its discovery document read, naming the same issuer. The
 * sign-in asks this before sending anyone there; the admin's settings page shows it, with the reason when it fails.
 */
public sealed interface ProviderAnswer {

    default boolean reachable() {
        return this instanceof Reachable;
    }

    record Reachable() implements ProviderAnswer {
    }

    /** {@code reason}: in words, for the admin who set the provider up (never the provider's own answer text). */
    record Unreachable(String reason) implements ProviderAnswer {
    }
}

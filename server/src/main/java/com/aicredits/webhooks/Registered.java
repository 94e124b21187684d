package com.aicredits.webhooks;

/** A newly registered endpoint and its signing secret, the one time it is shown. {@code replayed}: a retried key. */
public record Registered(Endpoint endpoint, String secret, boolean replayed) {
}

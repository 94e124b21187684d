package com.aicredits.webhooks;

/**
 * A newly registered endpoint and its signing secret, the one time it is shown. {@code replayed}: a retried key.
 * {@code unresolvedHost}: the URL's host when that name does not resolve now (accepted: every attempt resolves it
 * again), else null; the page warns the admin who just typed it.
 */
public record Registered(Endpoint endpoint, String secret, boolean replayed, String unresolvedHost) {
}

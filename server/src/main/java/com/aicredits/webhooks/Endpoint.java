package com.aicredits.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A registered webhook endpoint, without its secret. {@code disabledReason} says why it was turned off, if it was. */
public record Endpoint(UUID id, String url, List<String> events, String description, boolean enabled,
        Instant failingSince, String disabledReason, Instant createdAt) {
}

package com.aicredits.notifications;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/** One notice to one person; {@code link} is a path of the web UI (the user or request concerned), or null. */
public record Notification(UUID id, String type, String title, String body, Instant at, boolean read,
        @Schema(nullable = true) String link) {
}

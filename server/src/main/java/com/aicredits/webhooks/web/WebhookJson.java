package com.aicredits.webhooks.web;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.aicredits.webhooks.Delivery;
import com.aicredits.webhooks.Endpoint;
import com.aicredits.webhooks.Registered;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The webhook endpoints' JSON, as API.md's "Webhooks (admin)" names the fields. */
final class WebhookJson {

    private WebhookJson() {
    }

    record CreateBody(
            @Schema(description = "a public https URL", example = "https://hooks.example.com/credits",
                    requiredMode = REQUIRED) String url,
            @Schema(description = "event types, or [\"*\"] for all", example = "[\"credits.assigned\"]",
                    requiredMode = REQUIRED) List<String> events,
            @Schema(description = "at most 500 characters") String description) {
    }

    record PatchBody(String url, List<String> events, Boolean enabled, String description) {
    }

    record EndpointView(UUID id, String url, List<String> events, @Schema(nullable = true) String description,
            boolean enabled, @Schema(nullable = true) Instant failingSince, @Schema(nullable = true) String disabledReason,
            Instant createdAt) {
        static EndpointView of(Endpoint e) {
            return new EndpointView(e.id(), e.url(), e.events(), e.description(), e.enabled(), e.failingSince(),
                    e.disabledReason(), e.createdAt());
        }
    }

    record CreatedView(UUID id, String url, List<String> events, @Schema(nullable = true) String description,
            boolean enabled,
            @Schema(description = "whsec_…: shown in this answer only (and to a retry with the same Idempotency-Key)")
            String secret, Instant createdAt) {
        static CreatedView of(Registered r) {
            var e = r.endpoint();
            return new CreatedView(e.id(), e.url(), e.events(), e.description(), e.enabled(), r.secret(), e.createdAt());
        }
    }

    record AttemptView(int attempt, Instant at, @Schema(nullable = true) Integer statusCode, int latencyMs,
            @Schema(nullable = true) String responseExcerpt, @Schema(nullable = true) String error) {
    }

    record DeliveryView(UUID id, UUID eventId, String type,
            @Schema(allowableValues = {"PENDING", "DELIVERED", "FAILED"}) String status, int attempts,
            @Schema(nullable = true) Integer lastStatusCode, @Schema(nullable = true) String lastError,
            @Schema(nullable = true) Instant nextAttemptAt, @Schema(nullable = true) Instant deliveredAt, Instant createdAt,
            @Schema(description = "every attempt, oldest first: status, latency, at most 1 KB of the answer, error")
            List<AttemptView> log) {
        static DeliveryView of(Delivery d) {
            return new DeliveryView(d.id(), d.eventId(), d.type(), d.status().name(), d.attempts(), d.lastStatusCode(),
                    d.lastError(), d.nextAttemptAt(), d.deliveredAt(), d.createdAt(), d.log().stream()
                            .map(a -> new AttemptView(a.attempt(), a.at(), a.statusCode(), a.latencyMs(),
                                    a.responseExcerpt(), a.error())).toList());
        }
    }

    record Accepted(UUID deliveryId) {
    }
}

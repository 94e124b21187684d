package com.aicredits.webhooks.web;

import com.aicredits.api.Problems;
import com.aicredits.api.Refusals;
import com.aicredits.idempotency.Idempotency;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.webhooks.Delivery;
import com.aicredits.webhooks.Endpoint;
import com.aicredits.webhooks.EndpointChange;
import com.aicredits.webhooks.Registered;
import com.aicredits.webhooks.Webhooks;
import com.aicredits.webhooks.web.WebhookJson.Accepted;
import com.aicredits.webhooks.web.WebhookJson.CreateBody;
import com.aicredits.webhooks.web.WebhookJson.CreatedView;
import com.aicredits.webhooks.web.WebhookJson.DeliveryView;
import com.aicredits.webhooks.web.WebhookJson.EndpointView;
import com.aicredits.webhooks.web.WebhookJson.PatchBody;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/tenants/{tenantId}/webhooks")
@Tag(name = "Webhooks (admin)", description = "Scope: admin key, Admin session, or platform. Deliveries follow the "
        + "Standard Webhooks specification: POST with webhook-id (the event id, the same on every retry), "
        + "webhook-timestamp (Unix seconds) and webhook-signature (v1,base64 HMAC-SHA256 of id.timestamp.body with the "
        + "secret's bytes); body {type, timestamp, data}. A 2xx within 10 s is success; 410 Gone disables the endpoint "
        + "(Standard Webhooks); anything else is retried with exponential backoff (no sooner than a Retry-After in seconds, "
        + "within the longest backoff) for at least 24 hours. Redirects are not followed.")
class WebhookController {

    private final Webhooks webhooks;
    private final Idempotency idempotency;

    WebhookController(Webhooks webhooks, Idempotency idempotency) {
        this.webhooks = webhooks;
        this.idempotency = idempotency;
    }

    @PostMapping
    @Operation(summary = "Register an endpoint; its signing secret is in this answer only",
            description = "events: any of purchase.recorded, credits.assigned, credits.added, credits.removed, "
                    + "allowance.granted, user.low_balance, user.exhausted, pool.low, pool.short, credit_request.created, "
                    + "credit_request.approved, credit_request.declined, or [\"*\"]. 400 UNSAFE_WEBHOOK_URL for a target "
                    + "that is not a public https URL (loopback, private, link-local, multicast or reserved addresses, "
                    + "also as the host name resolves), unless aicredits.webhooks.allow-private-targets=true. "
                    + "A retry with the same Idempotency-Key and body answers the same endpoint and secret.")
    @ApiResponse(responseCode = "201", description = "registered", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = CreatedView.class)))
    ResponseEntity<Object> register(@PathVariable TenantId tenantId, @RequestBody CreateBody body,
            @RequestHeader(name = Idempotency.HEADER, required = false) String key) {
        if (key != null) {
            var malformed = Idempotency.malformed(key);
            if (malformed.isPresent()) {
                return malformed.get();
            }
        }
        return switch (webhooks.register(tenantId, body.url(), body.events(), body.description(), key)) {
            case Outcome.Done<Registered>(var registered) -> {
                var created = ResponseEntity.status(HttpStatus.CREATED);
                if (registered.replayed()) {
                    created.header(Idempotency.REPLAYED, "true");
                }
                yield created.body(CreatedView.of(registered));
            }
            case Refused<Registered> refused -> Refusals.response(refused, false);
        };
    }

    @GetMapping
    @Operation(summary = "The tenant's endpoints, without their secrets")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            array = @ArraySchema(schema = @Schema(implementation = EndpointView.class))))
    ResponseEntity<Object> list(@PathVariable TenantId tenantId) {
        return webhooks.endpoints(tenantId)
                .<ResponseEntity<Object>>map(list -> ResponseEntity.ok(list.stream().map(EndpointView::of).toList()))
                .orElseGet(() -> Problems.notFound("tenant"));
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Change an endpoint's url, events, enabled or description; absent fields are kept",
            description = "Enabling an endpoint (also one disabled after 24 hours of failures) resumes its pending "
                    + "deliveries. 400 UNSAFE_WEBHOOK_URL or VALIDATION_FAILED changes nothing.")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = EndpointView.class)))
    ResponseEntity<Object> change(@PathVariable TenantId tenantId, @PathVariable String id, @RequestBody PatchBody body,
            @RequestHeader(name = Idempotency.HEADER, required = false) String key, HttpServletRequest request) {
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, body), () -> switch (webhooks.change(tenantId,
                uuid(id), new EndpointChange(body.url(), body.events(), body.enabled(), body.description()))) {
            case Outcome.Done<Endpoint>(var endpoint) -> ResponseEntity.ok(EndpointView.of(endpoint));
            case Refused<Endpoint> refused -> Refusals.response(refused, false);
        });
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Remove an endpoint, with its deliveries and their log")
    @ApiResponse(responseCode = "204", description = "removed")
    ResponseEntity<Object> delete(@PathVariable TenantId tenantId, @PathVariable String id,
            @RequestHeader(name = Idempotency.HEADER, required = false) String key, HttpServletRequest request) {
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, null), () -> webhooks.delete(tenantId, uuid(id))
                ? ResponseEntity.noContent().build() : Problems.notFound("webhook"));
    }

    @PostMapping("/{id}/test")
    @Operation(summary = "Send a webhook.test event to this endpoint, whatever events it subscribes to")
    @ApiResponse(responseCode = "202", description = "queued", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = Accepted.class)))
    ResponseEntity<Object> test(@PathVariable TenantId tenantId, @PathVariable String id,
            @RequestHeader(name = Idempotency.HEADER, required = false) String key, HttpServletRequest request) {
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, null), () -> accepted(webhooks.sendTest(tenantId, uuid(id))));
    }

    @GetMapping("/{id}/deliveries")
    @Operation(summary = "The endpoint's latest 100 deliveries, newest first, each with its attempts")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            array = @ArraySchema(schema = @Schema(implementation = DeliveryView.class))))
    ResponseEntity<Object> deliveries(@PathVariable TenantId tenantId, @PathVariable String id) {
        return switch (webhooks.deliveries(tenantId, uuid(id))) {
            case Outcome.Done<java.util.List<Delivery>>(var list) -> ResponseEntity.ok(list.stream().map(DeliveryView::of).toList());
            case Refused<java.util.List<Delivery>> refused -> Refusals.response(refused, false);
        };
    }

    @PostMapping("/{id}/deliveries/{deliveryId}/resend")
    @Operation(summary = "Deliver the same event again (the same webhook-id), from now, with a fresh 24 hours of retries")
    @ApiResponse(responseCode = "202", description = "queued", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = Accepted.class)))
    ResponseEntity<Object> resend(@PathVariable TenantId tenantId, @PathVariable String id, @PathVariable String deliveryId,
            @RequestHeader(name = Idempotency.HEADER, required = false) String key, HttpServletRequest request) {
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, null),
                () -> accepted(webhooks.resend(tenantId, uuid(id), uuid(deliveryId))));
    }

    /** A path id that is not a UUID names nothing: NOT_FOUND, as an unknown one (the nil UUID matches no row). */
    private static UUID uuid(String text) {
        try {
            return text.length() == 36 ? UUID.fromString(text) : NIL;
        } catch (IllegalArgumentException e) {
            return NIL;
        }
    }

    private static final UUID NIL = new UUID(0, 0);

    private static ResponseEntity<Object> accepted(Outcome<UUID> outcome) {
        return switch (outcome) {
            case Outcome.Done<UUID>(var delivery) -> ResponseEntity.status(HttpStatus.ACCEPTED).body(new Accepted(delivery));
            case Refused<UUID> refused -> Refusals.response(refused, false);
        };
    }

}

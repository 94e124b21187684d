package com.aicredits.notifications.web;

import com.aicredits.access.Caller;
import com.aicredits.api.Problems;
import com.aicredits.directory.Directory;
import com.aicredits.idempotency.Idempotency;
import com.aicredits.notifications.Inbox;
import com.aicredits.notifications.Notifications;
import com.aicredits.shared.TenantId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The signed-in person's notifications (SPEC part two, "Alerts and notifications"). */
@RestController
@RequestMapping("/api/v1/tenants/{tenantId}/notifications")
@Tag(name = "Notifications (the signed-in person)", description = "Scope: a signed-in session, any role: its own notifications. "
        + "Admins' notifications include the tenant's (the pool, credit requests).")
class NotificationController {

    /** The largest list of ids one call may mark read. */
    static final int IDS_MAX = 500;

    private final Notifications notifications;
    private final Directory directory;
    private final Idempotency idempotency;

    NotificationController(Notifications notifications, Directory directory, Idempotency idempotency) {
        this.idempotency = idempotency;
        this.notifications = notifications;
        this.directory = directory;
    }

    record ReadBody(List<UUID> ids, Boolean all) {
    }

    @GetMapping
    @Operation(summary = "The signed-in person's notifications, newest first (at most 50), and how many are unread",
            description = "unread=true lists only the unread ones. A caller that is not a person (an API key, the platform) has none.")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = Inbox.class)))
    ResponseEntity<Object> list(@PathVariable TenantId tenantId, @RequestParam(required = false) Boolean unread,
            @AuthenticationPrincipal Caller caller) {
        if (caller.userId() == null) {
            // The platform: no person, so no notifications, in a tenant that must exist.
            return directory.tenant(tenantId).isEmpty() ? Problems.notFound("tenant") : ResponseEntity.ok(new Inbox(0, List.of()));
        }
        return ResponseEntity.ok(notifications.inbox(tenantId, caller.userId(), Boolean.TRUE.equals(unread)));
    }

    @PostMapping("/read")
    @Operation(summary = "Mark notifications read: {ids: [...]} (at most 500) or {all: true}",
            description = "Ids of someone else's notifications, or unknown ones, change nothing. 400 VALIDATION_FAILED "
                    + "when neither ids nor all: true is given, when both are, or when ids is empty.")
    @ApiResponse(responseCode = "204", description = "marked")
    ResponseEntity<Object> read(@PathVariable TenantId tenantId, @RequestBody ReadBody body,
            @AuthenticationPrincipal Caller caller, @RequestHeader(value = Idempotency.HEADER, required = false) String key,
            HttpServletRequest request) {
        boolean all = Boolean.TRUE.equals(body.all());
        if (!all && (body.ids() == null || body.ids().isEmpty())) {
            return Problems.invalid("ids", "give ids (the notifications to mark read) or all: true");
        }
        if (body.ids() != null && (body.ids().isEmpty() || body.ids().size() > IDS_MAX || body.ids().contains(null))) {
            return Problems.invalid("ids", "ids is a list of 1 to " + IDS_MAX + " notification ids");
        }
        if (all && body.ids() != null) {
            return Problems.invalid("ids", "give ids or all: true, not both");
        }
        if (caller.userId() == null && directory.tenant(tenantId).isEmpty()) {
            return Problems.notFound("tenant");
        }
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, body, caller.userId()), () -> {
            if (caller.userId() != null) {
                if (all) {
                    notifications.markAllRead(tenantId, caller.userId());
                } else {
                    notifications.markRead(tenantId, caller.userId(), body.ids());
                }
            }
            return ResponseEntity.noContent().build();
        });
    }
}

package com.aicredits.requests.web;

import com.aicredits.access.Caller;
import com.aicredits.api.Limits;
import com.aicredits.api.Problems;
import com.aicredits.api.Refusals;
import com.aicredits.directory.Directory;
import com.aicredits.idempotency.Idempotency;
import com.aicredits.requests.CreditRequest;
import com.aicredits.requests.CreditRequests;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
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

/** Credit requests (SPEC part two, "Credit requests"; API.md "Credit requests"). */
@RestController
@RequestMapping("/api/v1/tenants/{tenantId}")
@Tag(name = "Credit requests", description = "File: a signed-in user for themselves, or an admin or consume key naming "
        + "the userId. List, approve, decline: admin key, Admin session, or platform. A user's own list: the user's "
        + "session, or admin.")
class CreditRequestController {

    private final CreditRequests requests;
    private final Directory directory;
    private final Idempotency idempotency;

    CreditRequestController(CreditRequests requests, Directory directory, Idempotency idempotency) {
        this.requests = requests;
        this.directory = directory;
        this.idempotency = idempotency;
    }

    record FileBody(BigDecimal credits, String reason, UUID userId) {
    }

    record ApproveBody(BigDecimal credits, String note) {
    }

    record DeclineBody(String reason) {
    }

    /** A request as the API shows it; {@code granted}, {@code decidedBy}, {@code decidedAt} null while pending. */
    record CreditRequestJson(UUID id, UUID userId, String name, String email, BigDecimal credits, String reason,
            @Schema(implementation = CreditRequest.Status.class) String status, String filedBy, Instant createdAt,
            @Schema(nullable = true) BigDecimal granted, @Schema(nullable = true) String note,
            @Schema(nullable = true) String decidedBy, @Schema(nullable = true) Instant decidedAt) {
        static CreditRequestJson of(CreditRequest r) {
            return new CreditRequestJson(r.id(), r.userId().value(), r.name(), r.email(), r.credits().toBigDecimal(),
                    r.reason(), r.status().name(), r.filedBy(), r.createdAt(),
                    r.granted() == null ? null : r.granted().toBigDecimal(), r.decisionNote(), r.decidedBy(), r.decidedAt());
        }
    }

    record CreditRequestPage(List<CreditRequestJson> items, int page, int size, long total) {
    }

    record CreditRequestList(List<CreditRequestJson> items) {
    }

    @PostMapping("/credit-requests")
    @Operation(summary = "File a credit request: {credits, reason, userId?}",
            description = "A signed-in user files for themselves (no userId); an admin or consume key names the userId. "
                    + "One pending request per user: 409 REQUEST_PENDING. 400 INVALID_AMOUNT, VALIDATION_FAILED; "
                    + "404 NOT_FOUND for an unknown user; 409 USER_INACTIVE.")
    @ApiResponse(responseCode = "201", description = "filed", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = CreditRequestJson.class)))
    @ApiResponse(responseCode = "409", description = "REQUEST_PENDING: the user already has a pending credit request; "
            + "USER_INACTIVE; or IDEMPOTENCY_KEY_IN_USE")
    ResponseEntity<Object> file(@PathVariable TenantId tenantId, @RequestBody FileBody body,
            @RequestHeader(name = Idempotency.HEADER, required = false) String key, @AuthenticationPrincipal Caller caller,
            HttpServletRequest request) {
        UserId user;
        if (caller.kind() == Caller.Kind.USER && (body.userId() == null || body.userId().equals(caller.userId().value()))) {
            user = caller.userId();
        } else if (caller.kind() == Caller.Kind.USER && !caller.isAdmin()) {
            return Problems.response(HttpStatus.FORBIDDEN, "FORBIDDEN", "you may request credits for yourself only");
        } else if (body.userId() == null) {
            return Problems.invalid("userId", "userId is required: name the user the credits are for");
        } else {
            user = new UserId(body.userId());
        }
        var amount = Credits.parse(body.credits());
        if (amount instanceof Credits.Entered.Invalid invalid) {
            return Refusals.invalidAmount("credits", invalid.message());
        }
        Credits credits = ((Credits.Entered.Valid) amount).credits();
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, body, user),
                () -> switch (requests.file(tenantId, user, credits, body.reason(), caller.getName())) {
                    case Outcome.Done<CreditRequest>(var filed) -> ResponseEntity.status(HttpStatus.CREATED).body(CreditRequestJson.of(filed));
                    case Refused<CreditRequest> refused -> Refusals.response(refused, false);
                });
    }

    @GetMapping("/credit-requests")
    @Operation(summary = "The tenant's credit requests, pending first (oldest first), then decided ones (newest first)",
            description = "status PENDING, APPROVED or DECLINED narrows the list (400 VALIDATION_FAILED otherwise); page from 0, "
                    + "size 1 to 200 (default 50).")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = CreditRequestPage.class)))
    ResponseEntity<Object> list(@PathVariable TenantId tenantId, @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "" + Limits.DEFAULT_PAGE_SIZE) int size) {
        CreditRequest.Status wanted = null;
        if (status != null) {
            var parsed = CreditRequest.Status.parse(status);
            if (parsed.isEmpty()) {
                return Problems.invalid("status", "status is PENDING, APPROVED or DECLINED");
            }
            wanted = parsed.get();
        }
        if (page < 0 || page > 1_000_000) {
            return Problems.invalid("page", "page is between 0 and 1000000");
        }
        if (size < 1 || size > Limits.MAX_PAGE_SIZE) {
            return Problems.invalid("size", "size is between 1 and " + Limits.MAX_PAGE_SIZE);
        }
        if (directory.tenant(tenantId).isEmpty()) {
            return Problems.notFound("tenant");
        }
        var items = requests.list(tenantId, wanted, page, size).stream().map(CreditRequestJson::of).toList();
        return ResponseEntity.ok(new CreditRequestPage(items, page, size, requests.count(tenantId, wanted)));
    }

    @GetMapping("/users/{userId}/credit-requests")
    @Operation(summary = "A user's own credit requests, newest first (at most 100)")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = CreditRequestList.class)))
    ResponseEntity<Object> forUser(@PathVariable TenantId tenantId, @PathVariable UserId userId) {
        if (directory.user(tenantId, userId).isEmpty()) {
            return Problems.notFound("user");
        }
        return ResponseEntity.ok(new CreditRequestList(
                requests.forUser(tenantId, userId).stream().map(CreditRequestJson::of).toList()));
    }

    @PostMapping("/credit-requests/{id}/approve")
    @Operation(summary = "Approve a pending request (requires Idempotency-Key): {credits?, note?}",
            description = "Grants credits (the amount asked for when absent) from the unassigned pool: an assign when the user "
                    + "has no active allocation, else an add, in the same transaction. 409 INSUFFICIENT_UNASSIGNED leaves the "
                    + "request pending; 409 REQUEST_CLOSED when it was already decided; 409 USER_INACTIVE.")
    @ApiResponse(responseCode = "200", description = "approved", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = CreditRequestJson.class)))
    ResponseEntity<Object> approve(@PathVariable TenantId tenantId, @PathVariable UUID id,
            @RequestBody(required = false) ApproveBody body, @RequestHeader(Idempotency.HEADER) String key,
            @AuthenticationPrincipal Caller caller, HttpServletRequest request) {
        var approve = body == null ? new ApproveBody(null, null) : body;
        Credits credits = null;
        if (approve.credits() != null) {
            var amount = Credits.parse(approve.credits());
            if (amount instanceof Credits.Entered.Invalid invalid) {
                return Refusals.invalidAmount("credits", invalid.message());
            }
            credits = ((Credits.Entered.Valid) amount).credits();
        }
        Credits granted = credits;
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, approve),
                () -> answer(requests.approve(tenantId, id, granted, approve.note(), caller.getName())));
    }

    @PostMapping("/credit-requests/{id}/decline")
    @Operation(summary = "Decline a pending request: {reason?}", description = "409 REQUEST_CLOSED when it was already decided.")
    @ApiResponse(responseCode = "200", description = "declined", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = CreditRequestJson.class)))
    ResponseEntity<Object> decline(@PathVariable TenantId tenantId, @PathVariable UUID id,
            @RequestBody(required = false) DeclineBody body,
            @RequestHeader(name = Idempotency.HEADER, required = false) String key,
            @AuthenticationPrincipal Caller caller, HttpServletRequest request) {
        var decline = body == null ? new DeclineBody(null) : body;
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, decline),
                () -> answer(requests.decline(tenantId, id, decline.reason(), caller.getName())));
    }

    private static ResponseEntity<Object> answer(Outcome<CreditRequest> outcome) {
        return switch (outcome) {
            case Outcome.Done<CreditRequest>(var request) -> ResponseEntity.ok(CreditRequestJson.of(request));
            case Refused<CreditRequest> refused -> Refusals.response(refused, false);
        };
    }

}

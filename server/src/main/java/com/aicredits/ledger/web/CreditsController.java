package com.aicredits.ledger.web;

import com.aicredits.api.Limits;
import com.aicredits.api.Problems;
import com.aicredits.api.Refusals;
import com.aicredits.directory.Directory;
import com.aicredits.directory.Role;
import com.aicredits.idempotency.Idempotency;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.Allocated;
import com.aicredits.ledger.EntryType;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.RowQuery.UserState;
import com.aicredits.ledger.RowQuery;
import com.aicredits.ledger.web.Json.CreditsBody;
import com.aicredits.ledger.web.Json.EntriesPage;
import com.aicredits.ledger.web.Json.RowJson;
import com.aicredits.ledger.web.Json.RowsPage;
import com.aicredits.ledger.web.Json.SummaryJson;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The AI Credits tab's API: summary cards, the per-user table, and assigning, adding and removing credits. */
@RestController
@RequestMapping("/api/v1/tenants/{tenantId}/credits")
@Tag(name = "Credits (admin)", description = "Scope: admin key, Admin session, or platform.")
class CreditsController {

    private final Ledger ledger;
    private final Directory directory;
    private final Idempotency idempotency;

    /** {@code directory}: whether a tenant exists is a key lookup, not a summary of all its accounts. */
    CreditsController(Ledger ledger, Directory directory, Idempotency idempotency) {
        this.ledger = ledger;
        this.directory = directory;
        this.idempotency = idempotency;
    }

    @GetMapping("/summary")
    @Operation(summary = "The five summary cards; percentages are of purchased, 0 when nothing was purchased")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = SummaryJson.class)))
    ResponseEntity<Object> summary(@PathVariable TenantId tenantId) {
        return ledger.summary(tenantId).<ResponseEntity<Object>>map(s -> ResponseEntity.ok(SummaryJson.of(s)))
                .orElseGet(() -> Problems.notFound("tenant"));
    }

    @GetMapping("/users")
    @Operation(summary = "Users with an active allocation, searched, filtered, sorted and paged",
            description = "state: low (at most 20% of assigned left), exhausted (remaining <= 0), negative (remaining < 0), "
                    + "runs_out_soon (runs out within 7 days at the pace of the last 14). "
                    + "sort: name, email, role, assigned, consumed, remaining, usedPercent or runsOutOn (soonest first, "
                    + "never last), optionally followed by ,desc. Each row has dailyBurn (the last 14 days' consumption / 14), "
                    + "runsOutOn (ISO date or null) and runsOutBeforeNextGrant.")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = RowsPage.class)))
    ResponseEntity<Object> users(@PathVariable TenantId tenantId,
            @Parameter(description = "part of a name or email") @RequestParam(required = false) String q,
            @RequestParam(required = false) String role, @RequestParam(required = false) String state,
            @RequestParam(defaultValue = "name") String sort, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "" + Limits.DEFAULT_PAGE_SIZE) int size) {
        var badPage = Requests.badPage(page, size);
        if (badPage != null) {
            return badPage;
        }
        Optional<Role> roleFilter = blank(role) ? Optional.empty() : Role.parse(role);
        if (!blank(role) && roleFilter.isEmpty()) {
            return Problems.invalid("role", "role is Admin, Planner or Viewer");
        }
        Optional<UserState> stateFilter = blank(state) ? Optional.empty() : RowQuery.state(state);
        if (!blank(state) && stateFilter.isEmpty()) {
            return Problems.invalid("state", "state is low, exhausted, negative or runs_out_soon");
        }
        var order = RowQuery.Sort.parse(sort);
        if (order.isEmpty()) {
            return Problems.invalid("sort", RowQuery.Sort.expected());
        }
        if (q != null && q.length() > RowQuery.SEARCH_LENGTH_MAX) {
            return Problems.invalid("q", "q has at most " + RowQuery.SEARCH_LENGTH_MAX + " characters");
        }
        if (directory.tenant(tenantId).isEmpty()) {
            return Problems.notFound("tenant");
        }
        var table = ledger.overTime().table(tenantId, new RowQuery(q, roleFilter.orElse(null),
                stateFilter.orElse(null), order.get().by(), order.get().descending(), page, size));
        return ResponseEntity.ok(RowsPage.of(table.rows(), table.runways()));
    }

    record AssignableJson(UUID userId, String name, String email) {
    }

    @GetMapping("/assignable-users")
    @Operation(summary = "Registered, active users without an active allocation (the Assign User dialog's list)")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            array = @ArraySchema(schema = @Schema(implementation = AssignableJson.class))))
    ResponseEntity<Object> assignable(@PathVariable TenantId tenantId) {
        if (directory.tenant(tenantId).isEmpty()) {
            return Problems.notFound("tenant");
        }
        return ResponseEntity.ok(ledger.assignableUsers(tenantId).stream()
                .map(u -> new AssignableJson(u.userId().value(), u.name(), u.email())).toList());
    }

    @PostMapping("/users/{userId}/assign")
    @Operation(summary = "Assign credits from the unassigned pool to a user without an active allocation",
            description = "409 ALREADY_ASSIGNED if the user has one (use add); 409 INSUFFICIENT_UNASSIGNED with `unassigned`.")
    @ApiResponse(responseCode = "409", description = "ALREADY_ASSIGNED, INSUFFICIENT_UNASSIGNED (with `unassigned`), "
            + "USER_INACTIVE, or IDEMPOTENCY_KEY_IN_USE")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = RowJson.class)))
    ResponseEntity<Object> assign(@PathVariable TenantId tenantId, @PathVariable UserId userId, @RequestBody CreditsBody body,
            @RequestHeader(Idempotency.HEADER) String key, Principal principal, HttpServletRequest request) {
        return allocate(tenantId, body, key, request, credits -> ledger.assign(tenantId,
                userId, credits, body.note(), new Actor(principal.getName()), key));
    }

    @PostMapping("/users/{userId}/add")
    @Operation(summary = "Add credits from the unassigned pool to a user's active allocation",
            description = "409 NO_ALLOCATION if the user has none (use assign); 409 INSUFFICIENT_UNASSIGNED with `unassigned`.")
    @ApiResponse(responseCode = "409", description = "NO_ALLOCATION, INSUFFICIENT_UNASSIGNED (with `unassigned`), "
            + "USER_INACTIVE, or IDEMPOTENCY_KEY_IN_USE")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = RowJson.class)))
    ResponseEntity<Object> add(@PathVariable TenantId tenantId, @PathVariable UserId userId, @RequestBody CreditsBody body,
            @RequestHeader(Idempotency.HEADER) String key, Principal principal, HttpServletRequest request) {
        return allocate(tenantId, body, key, request, credits -> ledger.add(tenantId,
                userId, credits, body.note(), new Actor(principal.getName()), key));
    }

    @PostMapping("/users/{userId}/remove")
    @Operation(summary = "Return unused credits to the pool: at most max(0, remaining - held)",
            description = "409 EXCEEDS_REMOVABLE with `removable`. Removing everything closes the allocation: "
                    + "the answer has active: false and the user leaves the table.")
    @ApiResponse(responseCode = "409", description = "NO_ALLOCATION, EXCEEDS_REMOVABLE (with `removable`), or IDEMPOTENCY_KEY_IN_USE")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = RowJson.class)))
    ResponseEntity<Object> remove(@PathVariable TenantId tenantId, @PathVariable UserId userId, @RequestBody CreditsBody body,
            @RequestHeader(Idempotency.HEADER) String key, Principal principal, HttpServletRequest request) {
        return allocate(tenantId, body, key, request, credits -> ledger.remove(tenantId,
                userId, credits, body.note(), new Actor(principal.getName()), key));
    }

    private ResponseEntity<Object> allocate(TenantId tenantId, CreditsBody body, String key, HttpServletRequest request,
            java.util.function.Function<Credits, Outcome<Allocated>> operation) {
        var amount = Requests.amount("credits", body.credits(), false);
        if (amount.problem() != null) {
            return amount.problem();
        }
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, body),
                () -> switch (operation.apply(amount.credits())) {
                    case Outcome.Done<Allocated>(var allocated) -> ResponseEntity.ok(RowJson.of(allocated.row(),
                            ledger.overTime().runways(tenantId, List.of(allocated.row().userId()))));
                    case Refused<?> refused -> Refusals.response(refused, false);
                });
    }

    @GetMapping("/users/{userId}/entries")
    @Operation(summary = "A user's ledger history, newest first")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = EntriesPage.class)))
    ResponseEntity<Object> userEntries(@PathVariable TenantId tenantId, @PathVariable UserId userId,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "" + Limits.DEFAULT_PAGE_SIZE) int size) {
        var badPage = Requests.badPage(page, size);
        if (badPage != null) {
            return badPage;
        }
        if (ledger.balance(tenantId, userId).isEmpty()) {
            return Problems.notFound("user");
        }
        var entries = ledger.entries(tenantId, userId, null, page, size);
        return ResponseEntity.ok(EntriesPage.of(entries));
    }

    @GetMapping("/entries")
    @Operation(summary = "The tenant's ledger, newest first, optionally of one type and one user")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = EntriesPage.class)))
    ResponseEntity<Object> entries(@PathVariable TenantId tenantId, @RequestParam(required = false) String type,
            @Parameter(schema = @Schema(type = "string", format = "uuid")) @RequestParam(required = false) UserId userId,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "" + Limits.DEFAULT_PAGE_SIZE) int size) {
        var badPage = Requests.badPage(page, size);
        if (badPage != null) {
            return badPage;
        }
        Optional<EntryType> typeFilter = type == null || type.isBlank() ? Optional.empty()
                : Arrays.stream(EntryType.values()).filter(t -> t.name().equalsIgnoreCase(type)).findFirst();
        if (type != null && !type.isBlank() && typeFilter.isEmpty()) {
            return Problems.invalid("type", "type is one of " + Arrays.toString(EntryType.values()));
        }
        if (directory.tenant(tenantId).isEmpty()) {
            return Problems.notFound("tenant");
        }
        var entries = ledger.entries(tenantId, userId == null ? null : userId, typeFilter.orElse(null), page, size);
        return ResponseEntity.ok(EntriesPage.of(entries));
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}

package com.aicredits.ledger.web;

import com.aicredits.api.Problems;
import com.aicredits.directory.Directory;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import com.aicredits.idempotency.Idempotency;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.Allowance;
import com.aicredits.ledger.Ledger;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.api.Refusals;
import com.aicredits.ledger.web.Json.AllowanceBody;
import com.aicredits.ledger.web.Json.AllowanceJson;
import com.aicredits.ledger.web.Json.GrantTotalsJson;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Recurring allowances (SPEC part two): set, read and remove a user's, list the tenant's, complete the current period. */
@RestController
@RequestMapping("/api/v1/tenants/{tenantId}/credits")
@Tag(name = "Allowances (admin)", description = "Scope: admin key, Admin session, or platform.")
class AllowanceController {

    private final Ledger ledger;
    private final Directory directory;
    private final Idempotency idempotency;

    AllowanceController(Ledger ledger, Directory directory, Idempotency idempotency) {
        this.ledger = ledger;
        this.directory = directory;
        this.idempotency = idempotency;
    }

    @PutMapping("/users/{userId}/allowance")
    @Operation(summary = "Give a user credits every month or week (requires Idempotency-Key); grants the current period at once",
            description = "period MONTHLY (from the 1st) or WEEKLY (from Monday), at 00:00 in the tenant's time zone; mode "
                    + "RESET (unused credits back to the pool, then the allowance) or TOP_UP (up to the allowance). The user "
                    + "needs no allocation: the grant opens one. A user already granted for the current period is not "
                    + "granted again: new terms apply from the next period. When the pool is short the user gets what it "
                    + "has and lastGrant records the shortfall. 400 INVALID_AMOUNT, INVALID_PERIOD, INVALID_MODE.")
    @ApiResponse(responseCode = "409", description = "USER_INACTIVE, or IDEMPOTENCY_KEY_IN_USE")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = AllowanceJson.class)))
    ResponseEntity<Object> set(@PathVariable TenantId tenantId, @PathVariable UserId userId,
            @RequestBody AllowanceBody body, @RequestHeader(Idempotency.HEADER) String key, Principal principal,
            HttpServletRequest request) {
        var amount = Requests.amount("credits", body.credits(), false);
        if (amount.problem() != null) {
            return amount.problem();
        }
        var period = Period.parse(body.period());
        if (period.isEmpty()) {
            return Problems.response(HttpStatus.BAD_REQUEST, "INVALID_PERIOD", "period is MONTHLY or WEEKLY",
                    Map.of("fields", List.of("period")));
        }
        var mode = AllowanceMode.parse(body.mode());
        if (mode.isEmpty()) {
            return Problems.response(HttpStatus.BAD_REQUEST, "INVALID_MODE", "mode is RESET or TOP_UP",
                    Map.of("fields", List.of("mode")));
        }
        var terms = new AllowanceTerms(amount.credits(), period.get(), mode.get());
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, body),
                () -> switch (ledger.allowances().set(tenantId, userId, terms, body.note(), new Actor(principal.getName()))) {
                    case Outcome.Done<Allowance>(var allowance) -> ResponseEntity.ok(view(tenantId, allowance));
                    case Refused<Allowance> refused -> Refusals.response(refused, false);
                });
    }

    @GetMapping("/users/{userId}/allowance")
    @Operation(summary = "A user's allowance and its latest grant; 404 NOT_FOUND when the user has none")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = AllowanceJson.class)))
    ResponseEntity<Object> read(@PathVariable TenantId tenantId, @PathVariable UserId userId) {
        return ledger.allowances().of(tenantId, userId).<ResponseEntity<Object>>map(a -> ResponseEntity.ok(view(tenantId, a)))
                .orElseGet(() -> Problems.notFound("allowance"));
    }

    @DeleteMapping("/users/{userId}/allowance")
    @Operation(summary = "Stop a user's allowance: no further grants; what was granted stays",
            description = "204 also when the user had none; 404 for an unknown user.")
    @ApiResponse(responseCode = "204", description = "stopped")
    ResponseEntity<Object> remove(@PathVariable TenantId tenantId, @PathVariable UserId userId,
            @RequestHeader(name = Idempotency.HEADER, required = false) String key, HttpServletRequest request) {
        return idempotency.once(tenantId, key, request.getMethod() + " " + request.getRequestURI(), () -> {
            if (directory.user(tenantId, userId).isEmpty()) {
                return Problems.notFound("user");
            }
            ledger.allowances().remove(tenantId, userId);
            return ResponseEntity.noContent().build();
        });
    }

    @GetMapping("/allowances")
    @Operation(summary = "Every allowance of the tenant, with its latest grant")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            array = @ArraySchema(schema = @Schema(implementation = AllowanceJson.class))))
    ResponseEntity<Object> list(@PathVariable TenantId tenantId) {
        if (directory.tenant(tenantId).isEmpty()) {
            return Problems.notFound("tenant");
        }
        return ResponseEntity.ok(ledger.allowances().all(tenantId).stream().map(a -> view(tenantId, a)).toList());
    }

    @PostMapping("/allowances/grant-current-period")
    @Operation(summary = "Grant the current period to every allowance not yet granted in full for it (after a purchase)",
            description = "Users already granted in full are untouched; short grants are completed as far as the pool "
                    + "goes. shortfall is what the current period's grants of active users still lack afterwards (a "
                    + "deactivated user's short grant is completed, and counted, once they are active again).")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = GrantTotalsJson.class)))
    ResponseEntity<Object> grantCurrentPeriod(@PathVariable TenantId tenantId,
            @RequestHeader(name = Idempotency.HEADER, required = false) String key, HttpServletRequest request) {
        return idempotency.once(tenantId, key, request.getMethod() + " " + request.getRequestURI(), () -> {
            if (directory.tenant(tenantId).isEmpty()) {
                return Problems.notFound("tenant");
            }
            var totals = ledger.allowances().grantCurrentPeriod(tenantId);
            return ResponseEntity.ok(new GrantTotalsJson(Json.amount(totals.granted()), Json.amount(totals.shortfall()),
                    totals.users()));
        });
    }

    private AllowanceJson view(TenantId tenant, Allowance allowance) {
        return AllowanceJson.of(allowance, ledger.allowances().nextGrantAt(tenant, allowance.terms().period()));
    }
}

package com.aicredits.ledger.web;

import com.aicredits.api.Problems;
import com.aicredits.api.Refusals;
import com.aicredits.directory.Directory;
import com.aicredits.idempotency.Idempotency;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.Purchased;
import com.aicredits.ledger.web.Json.PurchaseBody;
import com.aicredits.ledger.web.Json.PurchaseJson;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/tenants/{tenantId}/purchases")
@Tag(name = "Purchases", description = "Recording purchases: platform only. Reading the history: also admins.")
class PurchaseController {

    private final Ledger ledger;
    private final Directory directory;
    private final Idempotency idempotency;

    /** {@code directory}: whether a tenant exists is a key lookup, not a summary of all its accounts. */
    PurchaseController(Ledger ledger, Directory directory, Idempotency idempotency) {
        this.ledger = ledger;
        this.directory = directory;
        this.idempotency = idempotency;
    }

    @PostMapping
    @Operation(summary = "Record credits bought into the tenant's unassigned pool (requires Idempotency-Key)")
    @ApiResponse(responseCode = "201", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = PurchaseJson.class)))
    ResponseEntity<Object> purchase(@PathVariable TenantId tenantId, @RequestBody PurchaseBody body,
            @RequestHeader(Idempotency.HEADER) String key, Principal principal, HttpServletRequest request) {
        var amount = Requests.amount("credits", body.credits(), false);
        if (amount.problem() != null) {
            return amount.problem();
        }
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, body),
                () -> switch (ledger.purchase(tenantId, amount.credits(), body.reference(), body.note(),
                        new Actor(principal.getName()), key)) {
                    case Outcome.Done<Purchased>(var purchased) ->
                            ResponseEntity.status(HttpStatus.CREATED).body(PurchaseJson.of(purchased.purchase()));
                    case Refused<?> refused -> Refusals.response(refused, false);
                });
    }

    @GetMapping
    @Operation(summary = "The tenant's purchases, newest first")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            array = @ArraySchema(schema = @Schema(implementation = PurchaseJson.class))))
    ResponseEntity<Object> purchases(@PathVariable TenantId tenantId) {
        if (directory.tenant(tenantId).isEmpty()) {
            return Problems.notFound("tenant");
        }
        return ResponseEntity.ok(ledger.purchases(tenantId).stream().map(PurchaseJson::of).toList());
    }
}

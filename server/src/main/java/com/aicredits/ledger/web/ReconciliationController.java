package com.aicredits.ledger.web;

import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.Reconciliation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** For operators and the benchmark: every balance recomputed from the ledger, with any drift listed. */
@RestController
@Tag(name = "Operations", description = "Scope: platform.")
class ReconciliationController {

    private final Ledger ledger;

    ReconciliationController(Ledger ledger) {
        this.ledger = ledger;
    }

    @GetMapping("/api/v1/reconciliation")
    @Operation(summary = "Recompute every tenant's balances from the entries and the request log; a healthy ledger has no drifts")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = Reconciliation.class)))
    ResponseEntity<Object> reconcile() {
        return ResponseEntity.ok(ledger.reconcile());
    }
}

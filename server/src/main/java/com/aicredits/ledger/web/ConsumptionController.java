package com.aicredits.ledger.web;

import com.aicredits.api.Problems;
import com.aicredits.api.Refusals;
import com.aicredits.idempotency.Idempotency;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.Authorized;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.RequestId;
import com.aicredits.ledger.Settled;
import com.aicredits.ledger.Voided;
import com.aicredits.ledger.web.Json.AuthorizeBody;
import com.aicredits.ledger.web.Json.AuthorizedJson;
import com.aicredits.ledger.web.Json.BalanceJson;
import com.aicredits.ledger.web.Json.ChargeBody;
import com.aicredits.ledger.web.Json.RequestJson;
import com.aicredits.ledger.web.Json.SettleBody;
import com.aicredits.ledger.web.Json.SettledJson;
import com.aicredits.ledger.web.Json.VoidedJson;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The AI feature's side. Every call is idempotent on the caller's requestId (not on Idempotency-Key): a
 * repeated call returns the first outcome with {@code Idempotent-Replayed: true} and never charges twice.
 */
@RestController
@RequestMapping("/api/v1/tenants/{tenantId}")
@Tag(name = "Consumption", description = "Scope: consume key or platform; balances also admins and the user themself.")
class ConsumptionController {

    private final Ledger ledger;

    ConsumptionController(Ledger ledger) {
        this.ledger = ledger;
    }

    @GetMapping("/users/{userId}/balance")
    @Operation(summary = "A user's balance and whether they can start an AI request")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = BalanceJson.class)))
    ResponseEntity<Object> balance(@PathVariable TenantId tenantId, @PathVariable UserId userId) {
        return ledger.balance(tenantId, userId)
                .<ResponseEntity<Object>>map(b -> ResponseEntity.ok(BalanceJson.of(b)))
                .orElseGet(() -> Problems.notFound("user"));
    }

    @PostMapping("/consumption/authorize")
    @Operation(summary = "Ask to start an AI request and hold its estimate",
            description = "Admitted if the user has an active allocation, available > 0 and fewer open holds than the "
                    + "tenant's limit. 402 NO_ALLOCATION / CREDITS_EXHAUSTED, 429 TOO_MANY_IN_FLIGHT.")
    @ApiResponse(responseCode = "402", description = "NO_ALLOCATION, or CREDITS_EXHAUSTED (with `available`)")
    @ApiResponse(responseCode = "409", description = "USER_INACTIVE")
    @ApiResponse(responseCode = "422", description = "REQUEST_ID_REUSED: the requestId belongs to another user, feature or call")
    @ApiResponse(responseCode = "429", description = "TOO_MANY_IN_FLIGHT: the user has the tenant's limit of open holds")
    @ApiResponse(responseCode = "201", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = AuthorizedJson.class)))
    ResponseEntity<Object> authorize(@PathVariable TenantId tenantId, @RequestBody AuthorizeBody body, Principal principal) {
        if (body.userId() == null) {
            return Problems.invalid("userId", "userId is required");
        }
        Requests.Amount estimate = body.estimate() == null ? new Requests.Amount(null, null)
                : Requests.amount("estimate", body.estimate(), false);
        if (estimate.problem() != null) {
            return estimate.problem();
        }
        var result = ledger.authorize(tenantId, new RequestId(nullToEmpty(body.requestId())),
                body.user(), body.feature(), estimate.credits(), new Actor(principal.getName()));
        return switch (result) {
            case Outcome.Done<Authorized>(var a) -> replayed(ResponseEntity.status(HttpStatus.CREATED), a.replayed())
                    .body(new AuthorizedJson(a.requestId().value(), "AUTHORIZED", Json.amount(a.held()),
                            Json.amount(a.available()), a.expiresAt()));
            case Refused<?> refused -> Refusals.response(refused, true);
        };
    }

    @PostMapping("/consumption/{requestId}/settle")
    @Operation(summary = "Record the request's whole actual cost and release its hold",
            description = "Never refused for lack of credits: the balance may go below zero. Accepted after the hold"
                    + " expired too, until the request's settle deadline (24 hours after authorization by default);"
                    + " after it, refused with 409 REQUEST_EXPIRED and nothing changes.")
    @ApiResponse(responseCode = "409", description = "ALREADY_VOIDED, or REQUEST_EXPIRED after the settle deadline")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = SettledJson.class)))
    ResponseEntity<Object> settle(@PathVariable TenantId tenantId, @PathVariable String requestId,
            @RequestBody SettleBody body, Principal principal) {
        var cost = Requests.amount("cost", body.cost(), true);
        if (cost.problem() != null) {
            return cost.problem();
        }
        return settled(ledger.settle(tenantId, new RequestId(requestId), cost.credits(),
                new Actor(principal.getName())), HttpStatus.OK);
    }

    @PostMapping("/consumption/{requestId}/void")
    @Operation(summary = "Release the request's hold without consuming anything")
    @ApiResponse(responseCode = "409", description = "ALREADY_SETTLED, or REQUEST_EXPIRED after the settle deadline")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = VoidedJson.class)))
    ResponseEntity<Object> voidRequest(@PathVariable TenantId tenantId, @PathVariable String requestId, Principal principal) {
        return switch (ledger.voidRequest(tenantId, new RequestId(requestId), new Actor(principal.getName()))) {
            case Outcome.Done<Voided>(var v) -> replayed(ResponseEntity.ok(), v.replayed())
                    .body(new VoidedJson(v.requestId().value(), "VOIDED"));
            case Refused<?> refused -> Refusals.response(refused, true);
        };
    }

    @PostMapping("/consumption/charge")
    @Operation(summary = "Authorize and settle in one call, for features that know the cost up front",
            description = "cost is at least 0, like a settle's: 0 records a request that cost nothing (a cached"
                    + " answer, say), and is admitted by the same rule as any other (available > 0). Negative, over"
                    + " three decimals or over a billion: 400 INVALID_AMOUNT.")
    @ApiResponse(responseCode = "402", description = "NO_ALLOCATION, or CREDITS_EXHAUSTED (with `available`)")
    @ApiResponse(responseCode = "409", description = "USER_INACTIVE")
    @ApiResponse(responseCode = "422", description = "REQUEST_ID_REUSED: the requestId belongs to another user, feature or call")
    @ApiResponse(responseCode = "429", description = "TOO_MANY_IN_FLIGHT: the user has the tenant's limit of open holds")
    @ApiResponse(responseCode = "201", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = SettledJson.class)))
    ResponseEntity<Object> charge(@PathVariable TenantId tenantId, @RequestBody ChargeBody body, Principal principal) {
        if (body.userId() == null) {
            return Problems.invalid("userId", "userId is required");
        }
        var cost = Requests.amount("cost", body.cost(), true);
        if (cost.problem() != null) {
            return cost.problem();
        }
        return settled(ledger.charge(tenantId, new RequestId(nullToEmpty(body.requestId())),
                body.user(), body.feature(), cost.credits(), new Actor(principal.getName())), HttpStatus.CREATED);
    }

    @GetMapping("/consumption/{requestId}")
    @Operation(summary = "Where a request stands: resolves an unknown outcome after a timeout")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = RequestJson.class)))
    ResponseEntity<Object> request(@PathVariable TenantId tenantId, @PathVariable String requestId) {
        return ledger.request(tenantId, new RequestId(requestId))
                .<ResponseEntity<Object>>map(r -> ResponseEntity.ok(RequestJson.of(r)))
                .orElseGet(() -> Problems.notFound("request"));
    }

    private static ResponseEntity<Object> settled(Outcome<Settled> result, HttpStatus status) {
        return switch (result) {
            case Outcome.Done<Settled>(var s) -> replayed(ResponseEntity.status(status), s.replayed())
                    .body(new SettledJson(s.requestId().value(), "SETTLED", Json.amount(s.cost()), Json.amount(s.remaining())));
            case Refused<?> refused -> Refusals.response(refused, true);
        };
    }

    private static ResponseEntity.BodyBuilder replayed(ResponseEntity.BodyBuilder builder, boolean replayed) {
        return replayed ? builder.header(Idempotency.REPLAYED, "true") : builder;
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}

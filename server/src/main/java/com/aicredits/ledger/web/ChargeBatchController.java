package com.aicredits.ledger.web;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.aicredits.api.Problems;
import com.aicredits.api.Refusals;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.ChargeItem;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.RequestId;
import com.aicredits.ledger.Settled;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.math.BigDecimal;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Many charges in one call, for callers that gather their AI requests' costs (API.md, "Batch consumption"). The
 * call itself succeeds with 200 whenever the body is well-formed; each item carries its own outcome, the same
 * as {@code POST /consumption/charge} would have given it.
 */
@RestController
@RequestMapping("/api/v1/tenants/{tenantId}")
@Tag(name = "Consumption")
class ChargeBatchController {

    record ChargesBody(@Schema(requiredMode = REQUIRED) List<Item> items) {
    }

    record Item(@Schema(requiredMode = REQUIRED) String requestId, @Schema(requiredMode = REQUIRED) UUID userId,
            @Schema(requiredMode = REQUIRED) String feature, @Schema(requiredMode = REQUIRED) BigDecimal cost) {
    }

    /** SETTLED with cost and remaining, or REFUSED with code and detail (the single charge's code and message). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ResultJson(String requestId, @Schema(allowableValues = {"SETTLED", "REFUSED"}) String status,
            @Schema(nullable = true, description = "SETTLED only") BigDecimal cost,
            @Schema(nullable = true, description = "SETTLED only") BigDecimal remaining,
            @Schema(nullable = true, description = "REFUSED only") String code,
            @Schema(nullable = true, description = "REFUSED only") String detail) {

        static ResultJson of(RequestId request, Outcome<Settled> outcome) {
            return switch (outcome) {
                case Outcome.Done<Settled>(var s) -> new ResultJson(request.value(), "SETTLED", Json.amount(s.cost()),
                        Json.amount(s.remaining()), null, null);
                case Refused<?> r -> new ResultJson(request.value(), "REFUSED", null, null, r.reason().name(), r.message());
            };
        }
    }

    record ChargesJson(List<ResultJson> results) {
    }

    private final Ledger ledger;

    ChargeBatchController(Ledger ledger) {
        this.ledger = ledger;
    }

    @PostMapping("/consumption/charges")
    @Operation(summary = "Charge 1 to 1,000 AI requests in one call",
            description = "Each item is applied or refused on its own, exactly as POST /consumption/charge would (the"
                    + " same refusal codes; idempotent on its requestId: a repeated item, in this batch or a later one,"
                    + " answers its first outcome); items for one user apply in the order given; results come in the"
                    + " order given. A malformed body (no items or more than 1,000, a missing field, a bad cost) is"
                    + " refused as a whole with 400 and nothing is applied.")
    @ApiResponse(responseCode = "400", description = "VALIDATION_FAILED (fields names the item, e.g. items[3].userId),"
            + " or INVALID_AMOUNT for an item's cost")
    @ApiResponse(responseCode = "200", description = "ok: one result per item, SETTLED or REFUSED",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ChargesJson.class)))
    ResponseEntity<Object> charges(@PathVariable TenantId tenantId, @RequestBody ChargesBody body, Principal principal) {
        if (body.items() == null || body.items().isEmpty() || body.items().size() > ChargeItem.MAX_PER_BATCH) {
            return Problems.invalid("items", "items has 1 to " + ChargeItem.MAX_PER_BATCH + " charges");
        }
        var items = new ArrayList<ChargeItem>(body.items().size());
        for (int i = 0; i < body.items().size(); i++) {
            var item = body.items().get(i);
            if (item == null) {
                return Problems.invalid("items[" + i + "]", "items[" + i + "] is not a charge");
            }
            var cost = Requests.amount("items[" + i + "].cost", item.cost(), true);
            if (cost.problem() != null) {
                return cost.problem();
            }
            items.add(new ChargeItem(new RequestId(item.requestId() == null ? "" : item.requestId()),
                    item.userId() == null ? null : new UserId(item.userId()), item.feature(), cost.credits()));
        }
        return switch (ledger.charge(tenantId, items, new Actor(principal.getName()))) {
            case Outcome.Done<List<Outcome<Settled>>>(var results) -> {
                var json = new ArrayList<ResultJson>(results.size());
                for (int i = 0; i < results.size(); i++) {
                    json.add(ResultJson.of(items.get(i).requestId(), results.get(i)));
                }
                yield ResponseEntity.ok(new ChargesJson(json));
            }
            case Refused<?> refused -> Refusals.response(refused, true);
        };
    }
}

package com.aicredits.ledger.web;

import com.aicredits.api.Problems;
import com.aicredits.api.Refusals;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import com.aicredits.idempotency.Idempotency;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.BulkChange;
import com.aicredits.ledger.BulkCsv;
import com.aicredits.ledger.BulkResult;
import com.aicredits.shared.Credits;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.web.BulkJson.BulkBody;
import com.aicredits.ledger.web.BulkJson.PreviewJson;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bulk changes: assign, add or remove credits for many users at once, all or nothing, from JSON or from a CSV
 * file ({@code email,credits,note}). A dry run answers the preview and changes nothing.
 */
@RestController
@RequestMapping("/api/v1/tenants/{tenantId}/credits")
@Tag(name = "Credits (admin)", description = "Scope: admin key, Admin session, or platform.")
class BulkController {

    private static final String REFUSALS = "400 VALIDATION_FAILED, INVALID_AMOUNT (with `index`), TOO_MANY_ROWS "
            + "(more than 10,000 rows); 413 BODY_TOO_LARGE (over 4 MiB); 422 BULK_REFUSED with "
            + "`errors: [{index, code, detail, unassigned?|removable?}]` (codes NOT_FOUND, DUPLICATE_USER, "
            + "USER_INACTIVE, ALREADY_ASSIGNED, NO_ALLOCATION, EXCEEDS_REMOVABLE, INSUFFICIENT_UNASSIGNED, "
            + "INVALID_AMOUNT, VALIDATION_FAILED), nothing applied; 422 IDEMPOTENCY_KEY_REUSED; 409 IDEMPOTENCY_KEY_IN_USE.";

    private final Ledger ledger;
    private final Idempotency idempotency;
    private final JsonMapper json;

    BulkController(Ledger ledger, Idempotency idempotency, JsonMapper json) {
        this.ledger = ledger;
        this.idempotency = idempotency;
        this.json = json;
    }

    @PostMapping("/bulk")
    @Operation(summary = "Assign, add or remove credits for many users at once, all or nothing",
            description = "At most 10,000 items, each naming its user by `userId` or `email`, one item per user. "
                    + "An item's note replaces the bulk's note on its ledger entry. `dryRun: true` answers the "
                    + "preview (every row before and after, the pool after) and changes nothing; applying needs an "
                    + "Idempotency-Key. " + REFUSALS)
    @ApiResponse(responseCode = "200", description = "applied, or previewed by a dry run",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = PreviewJson.class)))
    @ApiResponse(responseCode = "422", description = "BULK_REFUSED (every refused row) or IDEMPOTENCY_KEY_REUSED")
    ResponseEntity<Object> bulk(@PathVariable TenantId tenantId, @RequestBody BulkBody body,
            @Parameter(description = "the same as the body's dryRun (as on /bulk.csv): either one makes it a preview")
            @RequestParam(name = "dryRun", defaultValue = "false") boolean dryRunParam,
            @Parameter(description = "required unless dryRun") @RequestHeader(name = Idempotency.HEADER, required = false) String key,
            Principal principal, HttpServletRequest request) {
        var operation = BulkChange.Operation.parse(body.operation());
        if (operation.isEmpty()) {
            return Problems.invalid("operation", "operation is assign, add or remove");
        }
        if (body.items() == null || body.items().isEmpty()) {
            return Problems.invalid("items", "items has 1 to " + Ledger.MAX_BULK_ITEMS + " rows");
        }
        if (body.items().size() > Ledger.MAX_BULK_ITEMS) {
            return tooManyRows(body.items().size());
        }
        var items = new ArrayList<BulkChange.Item>(body.items().size());
        var badAmounts = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < body.items().size(); i++) {
            var item = body.items().get(i);
            if (item == null) {
                return Problems.response(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "item " + i + " is null",
                        Map.of("fields", List.of("items"), "index", i));
            }
            Credits credits = null;
            switch (Credits.parse(item.credits())) {
                case Credits.Entered.Valid valid -> credits = valid.credits();
                case Credits.Entered.Invalid invalid -> badAmounts.add(Map.<String, Object>of("index", i, "code",
                        "INVALID_AMOUNT", "detail", invalid.message()));
            }
            items.add(new BulkChange.Item(item.userId() == null ? null : new UserId(item.userId()), item.email(),
                    credits, item.note()));
        }
        if (!badAmounts.isEmpty()) {
            return Problems.response(HttpStatus.BAD_REQUEST, "INVALID_AMOUNT", badAmounts.size()
                    + " row(s) have no valid amount: credits are positive with at most three decimals",
                    Map.of("fields", List.of("credits"), "index", badAmounts.getFirst().get("index"), "errors", badAmounts));
        }
        // A preview asked for anywhere is a preview: a client that put it in the query (as /bulk.csv takes it) and
        // not the body had its change applied (a probe on December 5).
        var change = new BulkChange(operation.get(), items, body.note(), dryRunParam || Boolean.TRUE.equals(body.dryRun()));
        return run(tenantId, change, key, idempotency.fingerprint(request, body), principal);
    }

    @PostMapping(path = "/bulk.csv", consumes = {"text/csv", "application/csv"})
    @Operation(summary = "A bulk change from a CSV file: header email,credits,note, then one row per user",
            description = "UTF-8 (a byte-order mark is accepted), RFC 4180 quoting (a quoted note may hold commas). "
                    + "Refused files: 400 CSV_HEADER (wrong header), CSV_COLUMNS (a row without 3 columns, with `index`), "
                    + "INVALID_AMOUNT (with `index`), CSV_MALFORMED, CSV_ENCODING, CSV_NO_ROWS, TOO_MANY_ROWS; "
                    + "415 for another content type. Then as POST /bulk. " + REFUSALS)
    @ApiResponse(responseCode = "200", description = "applied, or previewed by a dry run",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = PreviewJson.class)))
    @ApiResponse(responseCode = "422", description = "BULK_REFUSED (every refused row) or IDEMPOTENCY_KEY_REUSED")
    ResponseEntity<Object> bulkCsv(@PathVariable TenantId tenantId,
            @Parameter(description = "assign, add or remove") @RequestParam String operation,
            @RequestParam(defaultValue = "false") boolean dryRun,
            @RequestParam(required = false) String note,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = "text/csv",
                    schema = @Schema(type = "string", example = "email,credits,note\nada@example.com,100,\"Q3, pilot\"\n")))
            @RequestBody(required = false) byte[] csv,
            @Parameter(description = "required unless dryRun") @RequestHeader(name = Idempotency.HEADER, required = false) String key,
            Principal principal, HttpServletRequest request) {
        var parsed = BulkChange.Operation.parse(operation).orElse(null);
        if (parsed == null) {
            return Problems.invalid("operation", "operation is assign, add or remove");
        }
        // An empty body is an empty file (refused for its missing header), not a missing JSON body.
        return switch (BulkCsv.read(csv == null ? new byte[0] : csv)) {
            case BulkCsv.Malformed malformed -> Problems.response(HttpStatus.BAD_REQUEST, malformed.code(), malformed.detail(),
                    malformed.index() == null ? Map.<String, Object>of() : Map.<String, Object>of("index", malformed.index(),
                            "errors", malformed.rows().stream().map(row -> Map.<String, Object>of("index", row.index(),
                                    "code", row.code(), "detail", row.problem())).toList()));
            case BulkCsv.Rows rows -> run(tenantId, new BulkChange(parsed, rows.items(), note, dryRun), key,
                    request.getMethod() + " " + request.getRequestURI() + "?operation=" + parsed.apiName() + "&dryRun="
                            + dryRun + "&note=" + note + "\n" + HexFormat.of().formatHex(sha256(csv)), principal);
        };
    }

    private ResponseEntity<Object> run(TenantId tenant, BulkChange change, String key, String fingerprint, Principal principal) {
        if (!change.dryRun() && key == null) {
            return Problems.invalid(Idempotency.HEADER, "header " + Idempotency.HEADER + " is required to apply a bulk change");
        }
        var actor = new Actor(principal.getName());
        if (change.dryRun()) {
            // A dry run changes nothing, so there is nothing to make idempotent: a key sent with it is not used up,
            // but a malformed one is refused as on any other call.
            var malformed = key == null ? Optional.<ResponseEntity<Object>>empty() : Idempotency.malformed(key);
            return malformed.orElseGet(() -> respond(ledger.bulk(tenant, change, actor, null)));
        }
        return markedReplayed(idempotency.once(tenant, key, fingerprint, () -> respond(ledger.bulk(tenant, change, actor, key))));
    }

    /**
     * A replay of the key's stored answer says so in its body as in its header: the stored body is the first call's,
     * which was no replay. Read back as the record it was written from, so its amounts are written out as before.
     */
    private ResponseEntity<Object> markedReplayed(ResponseEntity<Object> answer) {
        if (answer.getStatusCode().value() != HttpStatus.OK.value() || !(answer.getBody() instanceof String stored)
                || !"true".equals(answer.getHeaders().getFirst(Idempotency.REPLAYED))) {
            return answer;
        }
        return ResponseEntity.ok().headers(answer.getHeaders()).body(json.readValue(stored, PreviewJson.class).asReplay());
    }

    private static ResponseEntity<Object> respond(BulkResult result) {
        return switch (result) {
            // The ledger knows the key even once the stored answer is forgotten: a replay, said in the header too.
            case BulkResult.Done done -> (done.preview().replayed() ? ResponseEntity.ok().header(Idempotency.REPLAYED, "true")
                    : ResponseEntity.ok()).body((Object) PreviewJson.of(done.preview()));
            case BulkResult.RowsRefused refused -> Problems.response(HttpStatus.UNPROCESSABLE_CONTENT, "BULK_REFUSED",
                    refused.errors().size() + " of " + refused.preview().rows().size()
                            + " rows were refused; nothing was applied",
                    Map.of("errors", refused.errors().stream().map(BulkJson::error).toList()));
            case BulkResult.Failed failed -> Refusals.response(failed.refused(), false);
        };
    }

    private static ResponseEntity<Object> tooManyRows(int rows) {
        return Problems.response(HttpStatus.BAD_REQUEST, "TOO_MANY_ROWS", "a bulk change has at most "
                + Ledger.MAX_BULK_ITEMS + " rows, not " + rows, Map.of("fields", List.of("items"), "max", Ledger.MAX_BULK_ITEMS));
    }

    private static byte[] sha256(byte[] body) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(body);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

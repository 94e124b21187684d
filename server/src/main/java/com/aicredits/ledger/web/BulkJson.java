package com.aicredits.ledger.web;

import static com.aicredits.ledger.web.Json.amount;
import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.aicredits.ledger.BulkPreview;
import com.aicredits.ledger.BulkResult.RowRefused;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The JSON shapes of a bulk change (API.md, "Bulk changes (admin)"). */
final class BulkJson {

    private BulkJson() {
    }

    record BulkBody(@Schema(description = "assign, add or remove", requiredMode = REQUIRED) String operation,
            @Schema(requiredMode = REQUIRED) List<ItemBody> items, String note, Boolean dryRun) {
    }

    record ItemBody(@Schema(description = "the user, or name them by email (both: the same user)") UUID userId,
            @Schema(description = "the user's e-mail address, instead of userId") String email,
            @Schema(requiredMode = REQUIRED) BigDecimal credits, String note) {
    }

    record FiguresJson(BigDecimal assigned, BigDecimal consumed, BigDecimal remaining) {
        static FiguresJson of(BulkPreview.Figures f) {
            return new FiguresJson(amount(f.assigned()), amount(f.consumed()), amount(f.remaining()));
        }
    }

    record BulkRowJson(@Schema(nullable = true, description = "null only in a replay, after the stored answer "
            + "expired, of a row named by an e-mail address that no longer names a user") UUID userId,
            String email, FiguresJson before, FiguresJson after) {
        static BulkRowJson of(BulkPreview.Row r) {
            return new BulkRowJson(r.userId() == null ? null : r.userId().value(), r.email(), FiguresJson.of(r.before()),
                    FiguresJson.of(r.after()));
        }
    }

    /** {@code applied} is false for a dry run; {@code replayed} when the idempotency key's first call applied it. */
    record PreviewJson(boolean applied, boolean replayed, BigDecimal unassignedBefore, BigDecimal unassignedAfter,
            List<BulkRowJson> rows) {
        static PreviewJson of(BulkPreview p) {
            return new PreviewJson(p.applied(), p.replayed(), amount(p.unassignedBefore()), amount(p.unassignedAfter()),
                    p.rows().stream().map(BulkRowJson::of).toList());
        }

        PreviewJson asReplay() {
            return new PreviewJson(applied, true, unassignedBefore, unassignedAfter, rows);
        }
    }

    /** One refused row of a 422 BULK_REFUSED: {index, code, detail} and the figure that corrects it, if any. */
    static Map<String, Object> error(RowRefused e) {
        var error = new LinkedHashMap<String, Object>();
        error.put("index", e.index());
        error.put("code", e.code());
        error.put("detail", e.detail());
        if (e.limit() != null) {
            error.put("INSUFFICIENT_UNASSIGNED".equals(e.code()) ? "unassigned" : "removable", e.limit().toBigDecimal());
        }
        return error;
    }
}

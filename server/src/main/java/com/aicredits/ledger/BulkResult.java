package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.Refused;
import java.util.List;

/**
 * What a bulk change did: {@link Done} (applied, or previewed by a dry run), {@link RowsRefused} (one or more
 * rows refused, nothing applied; the preview still shows every row) or {@link Failed} (the bulk as a whole was
 * refused before any row ran: unknown tenant, too many items, a reused idempotency key).
 */
public sealed interface BulkResult {

    record Done(BulkPreview preview) implements BulkResult {
    }

    record RowsRefused(List<RowRefused> errors, BulkPreview preview) implements BulkResult {
        public RowsRefused {
            errors = List.copyOf(errors);
        }
    }

    record Failed(Refused<?> refused) implements BulkResult {
    }

    /**
     * A refused row: its index in the request (0-based), the refusal's code and message, and the figure that
     * would correct it (the unassigned pool, the removable credits) where there is one.
     */
    record RowRefused(int index, String code, String detail, Credits limit) {

        static RowRefused of(int index, Refused<?> refused) {
            return new RowRefused(index, refused.reason().name(), refused.message(), refused.limit());
        }
    }
}

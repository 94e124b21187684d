package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;

/** One charge of a batch ({@code POST /consumption/charges}): what a single {@code POST /consumption/charge} takes. */
public record ChargeItem(RequestId requestId, UserId userId, String feature, Credits cost) {

    /** The most items one batch may carry (API.md, "Batch consumption"). */
    public static final int MAX_PER_BATCH = 1_000;
}

package com.aicredits.ledger;

import java.util.List;

/**
 * Balances recomputed from the ledger entries and the request log, compared with the stored ones.
 * {@code drifts} lists every difference; a healthy ledger has none.
 */
public record Reconciliation(long poolsChecked, long accountsChecked, List<String> drifts) {

    public boolean isClean() {
        return drifts.isEmpty();
    }
}

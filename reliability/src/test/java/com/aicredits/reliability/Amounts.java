package com.aicredits.reliability;

import java.math.BigDecimal;

/** Credits as the ledger stores them: integer thousandths, so the test compares exactly, as the ledger does. */
final class Amounts {

    private Amounts() {
    }

    static long thousandths(BigDecimal credits) {
        return credits.movePointRight(3).longValueExact();
    }

    static BigDecimal credits(long thousandths) {
        return BigDecimal.valueOf(thousandths, 3);
    }
}

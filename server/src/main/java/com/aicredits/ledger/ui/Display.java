package com.aicredits.ledger.ui;

import com.aicredits.shared.Credits;
import java.math.BigDecimal;

/** How amounts read on screen: 12,500 and -5 and 0.375; percentages to one decimal. */
final class Display {

    private Display() {
    }

    static String credits(Credits credits) {
        return credits == null ? "" : credits.toDisplayString();
    }

    static String percent(BigDecimal percent) {
        return percent.stripTrailingZeros().toPlainString() + "%";
    }
}

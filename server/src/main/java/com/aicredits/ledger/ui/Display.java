package com.aicredits.ledger.ui;

import com.aicredits.shared.Credits;
import java.math.BigDecimal;

/**
 * How amounts read on screen: 12,500 and -5 and 0.375; percentages to one decimal. A history line's figures are
 * read beside its signed change (+250, −188.625), so there a negative takes the minus sign (U+2212) too, never the
 * hyphen: {@link #change} and {@link #signedFigure} are the one rule for both.
 */
final class Display {

    private static final String MINUS_SIGN = "\u2212";

    private Display() {
    }

    static String credits(Credits credits) {
        return credits == null ? "" : credits.toDisplayString();
    }

    /** −88.625 with the minus sign, 411.375 as it is; "" for none. */
    static String signedFigure(Credits credits) {
        if (credits == null) {
            return "";
        }
        return credits.isNegative() ? MINUS_SIGN + credits.negate().toDisplayString() : credits.toDisplayString();
    }

    /** +250, −188.625, or "" for no change. */
    static String change(Credits change) {
        if (change.thousandths() == 0) {
            return "";
        }
        return change.isNegative() ? signedFigure(change) : "+" + credits(change);
    }

    static String percent(BigDecimal percent) {
        return percent.stripTrailingZeros().toPlainString() + "%";
    }
}

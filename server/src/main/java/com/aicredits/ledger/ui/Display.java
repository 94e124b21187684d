package com.aicredits.ledger.ui;

import com.aicredits.ledger.Credits;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** How amounts read on screen: 12,500 and -5 and 0.375; percentages to one decimal. */
final class Display {

    private Display() {
    }

    static String credits(Credits credits) {
        return credits == null ? "" : format(credits.toBigDecimal());
    }

    static String percent(BigDecimal percent) {
        return format(percent) + "%";
    }

    private static String format(BigDecimal value) {
        // A new DecimalFormat per call: the class is not thread-safe, and this is not a hot path.
        return new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.US)).format(value);
    }
}

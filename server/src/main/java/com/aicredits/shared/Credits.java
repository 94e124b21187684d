package com.aicredits.shared;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An exact amount of credits, in integer thousandths (three decimal places). Arithmetic fails loudly on
 * overflow instead of wrapping. Formatting prints whole numbers bare ("12", "-5") and fractions only as
 * far as needed ("0.375").
 */
public record Credits(long thousandths) implements Comparable<Credits> {

    public static final Credits ZERO = new Credits(0);
    private static final Pattern GROUPED_THOUSANDS = Pattern.compile("[+-]?\\d{1,3}(,\\d{3})+(\\.\\d*)?");
    /** The largest amount an admin or operator may enter in one operation: one billion credits. */
    public static final Credits MAX_ENTERED = Credits.of(1_000_000_000L);

    private static final int SCALE = 3;

    public static Credits of(long wholeCredits) {
        return new Credits(Math.multiplyExact(wholeCredits, 1000L));
    }

    /**
     * Reads an amount a person or integration entered: refuses more than three decimals, zero, negatives,
     * and anything above {@link #MAX_ENTERED}, saying which.
     */
    public static Entered parse(BigDecimal value) {
        if (value == null) {
            return new Entered.Invalid("credits are required");
        }
        return amount(value, true);
    }

    /** Like {@link #parse(BigDecimal)} but accepts zero: an AI request may cost nothing. */
    public static Entered parseCost(BigDecimal value) {
        if (value == null) {
            return new Entered.Invalid("cost is required");
        }
        return amount(value, false);
    }

    /**
     * An amount as typed into a screen or a CSV file: also as screens show it, thousands separated by commas
     * ("1,500", "12,500.375", {@link #toDisplayString}); a comma anywhere else ("1,5") is not a number.
     */
    public static Entered parse(String text) {
        if (text == null || text.isBlank()) {
            return new Entered.Invalid("credits are required");
        }
        String typed = text.strip();
        if (GROUPED_THOUSANDS.matcher(typed).matches()) {
            typed = typed.replace(",", "");
        }
        try {
            return parse(new BigDecimal(typed));
        } catch (NumberFormatException e) {
            return new Entered.Invalid("credits must be a number");
        }
    }

    /** Each reason starts with the amount's name and reads right with any field name in its place (Requests.amount). */
    private static Entered amount(BigDecimal value, boolean mustBePositive) {
        BigDecimal normalized = value.stripTrailingZeros();
        if (normalized.scale() > SCALE) {
            return new Entered.Invalid("credits must have at most three decimal places");
        }
        if (mustBePositive ? normalized.signum() <= 0 : normalized.signum() < 0) {
            return new Entered.Invalid(mustBePositive ? "credits must be greater than zero" : "cost must not be negative");
        }
        if (normalized.compareTo(MAX_ENTERED.toBigDecimal()) > 0) {
            return new Entered.Invalid("credits must be at most " + MAX_ENTERED);
        }
        return new Entered.Valid(new Credits(normalized.movePointRight(SCALE).longValueExact()));
    }

    public Credits plus(Credits other) {
        return new Credits(Math.addExact(thousandths, other.thousandths));
    }

    public Credits minus(Credits other) {
        return new Credits(Math.subtractExact(thousandths, other.thousandths));
    }

    public Credits negate() {
        return new Credits(Math.negateExact(thousandths));
    }

    public static Credits max(Credits a, Credits b) {
        return a.thousandths >= b.thousandths ? a : b;
    }

    public static Credits min(Credits a, Credits b) {
        return a.thousandths <= b.thousandths ? a : b;
    }

    public boolean isPositive() {
        return thousandths > 0;
    }

    public boolean isNegative() {
        return thousandths < 0;
    }

    public BigDecimal toBigDecimal() {
        return BigDecimal.valueOf(thousandths, SCALE).stripTrailingZeros();
    }

    /** {@code this} as a percentage of {@code whole}, to one decimal; 0 when the whole is zero. */
    public BigDecimal percentOf(Credits whole) {
        if (whole.thousandths == 0) {
            return BigDecimal.ZERO;
        }
        return BigDecimal.valueOf(thousandths).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(whole.thousandths), 1, RoundingMode.HALF_UP)
                .stripTrailingZeros();
    }

    @Override
    public int compareTo(Credits other) {
        return Long.compare(thousandths, other.thousandths);
    }

    @Override
    public String toString() {
        return toBigDecimal().toPlainString();
    }

    /** As screens show it, with thousands separated: "12,500", "-5", "0.375". */
    public String toDisplayString() {
        // A new DecimalFormat per call: the class is not thread-safe.
        return new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.US)).format(toBigDecimal());
    }

    /** As a count of {@code noun}: "1 AI credit", "40 AI credits", "0.5 AI credits" (singular for exactly one). */
    public String toDisplayString(String noun) {
        return toDisplayString() + " " + noun + (thousandths == 1000 ? "" : "s");
    }

    /** An entered amount: valid, or the reason it is not. */
    public sealed interface Entered {

        /** For amounts the service configures itself (settings, the demo): a malformed one is a bug, not a refusal. */
        default Credits orElseThrow() {
            return switch (this) {
                case Valid valid -> valid.credits();
                case Invalid invalid -> throw new IllegalStateException(invalid.message());
            };
        }

        record Valid(Credits credits) implements Entered {
        }

        record Invalid(String message) implements Entered {
        }
    }
}

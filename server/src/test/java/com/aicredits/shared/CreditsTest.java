package com.aicredits.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aicredits.shared.Credits.Entered;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CreditsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"12 | 12000", "0.375 | 375", "1.5 | 1500", "1.500 | 1500",
            "1000000000 | 1000000000000", "0.001 | 1", "1,500 | 1500000", "12,500.375 | 12500375",
            "1,000,000,000 | 1000000000000"})
    void an_entered_amount_with_at_most_three_decimals_is_read_exactly_also_as_screens_show_it(String text, long thousandths) {
        assertThat(Credits.parse(text)).isEqualTo(new Entered.Valid(new Credits(thousandths)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0.0001       | credits must have at most three decimal places",
            "1.2345       | credits must have at most three decimal places",
            "0            | credits must be greater than zero",
            "-5           | credits must be greater than zero",
            "1000000000.001 | credits must be at most 1000000000",
            "1e30         | credits must be at most 1000000000",
            "twelve       | credits must be a number",
            "NaN          | credits must be a number",
            "1,5          | credits must be a number",
            "1,50,000     | credits must be a number",
            "'1,500,'     | credits must be a number",
            "''           | credits are required"})
    void an_entered_amount_that_is_not_a_positive_exact_number_is_refused_with_its_reason(String text, String reason) {
        assertThat(Credits.parse(text)).isEqualTo(new Entered.Invalid(reason));
    }

    @Test
    void a_cost_may_be_zero_but_never_negative() {
        assertThat(Credits.parseCost(BigDecimal.ZERO)).isEqualTo(new Entered.Valid(Credits.ZERO));
        assertThat(Credits.parseCost(new BigDecimal("-0.001"))).isInstanceOf(Entered.Invalid.class);
    }

    @Test
    void whole_amounts_print_without_decimals_and_fractions_only_as_far_as_needed() {
        assertThat(Credits.of(12)).hasToString("12");
        assertThat(Credits.of(-5)).hasToString("-5");
        assertThat(new Credits(375)).hasToString("0.375");
        assertThat(new Credits(1500)).hasToString("1.5");
        assertThat(new Credits(1_000_000_000_000L)).hasToString("1000000000");
        assertThat(Credits.ZERO).hasToString("0");
    }

    @Test
    void on_screen_thousands_are_separated_and_fractions_kept() {
        assertThat(Credits.of(12_500).toDisplayString()).isEqualTo("12,500");
        assertThat(Credits.of(-5).toDisplayString()).isEqualTo("-5");
        assertThat(new Credits(3_217_125).toDisplayString()).isEqualTo("3,217.125");
    }

    @Test
    void counted_the_noun_is_singular_for_exactly_one() {
        assertThat(Credits.of(1).toDisplayString("AI credit")).isEqualTo("1 AI credit");
        assertThat(Credits.of(40).toDisplayString("AI credit")).isEqualTo("40 AI credits");
        assertThat(new Credits(500).toDisplayString("AI credit")).isEqualTo("0.5 AI credits");
        assertThat(new Credits(1_001).toDisplayString("AI credit")).isEqualTo("1.001 AI credits");
    }

    @Test
    void arithmetic_is_exact_and_fails_on_overflow_instead_of_wrapping() {
        assertThat(new Credits(100).plus(new Credits(275))).isEqualTo(new Credits(375));
        assertThat(Credits.of(12).minus(Credits.of(17))).isEqualTo(Credits.of(-5));
        assertThatThrownBy(() -> new Credits(Long.MAX_VALUE).plus(new Credits(1))).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Credits.of(Long.MAX_VALUE / 10)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void a_percentage_of_nothing_is_zero_and_over_consumption_shows_above_one_hundred() {
        assertThat(Credits.of(5).percentOf(Credits.ZERO)).isEqualByComparingTo("0");
        assertThat(Credits.of(17).percentOf(Credits.of(12))).isEqualByComparingTo("141.7");
        assertThat(Credits.of(1).percentOf(Credits.of(3))).isEqualByComparingTo("33.3");
    }
}

package com.aicredits.ledger.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The usage charts' colours: by the tenant's order of features, each visible against the white page. */
class ChartColoursTest {

    @Test
    void every_colour_has_at_least_three_to_one_contrast_against_white() {
        assertThat(ChartColours.PALETTE).allSatisfy(colour ->
                assertThat(contrastWithWhite(colour)).as(colour).isGreaterThanOrEqualTo(3.0));
    }

    @Test
    void a_feature_takes_its_place_in_the_tenants_order_whichever_chart_shows_it() {
        var colours = new ChartColours(List.of("translate", "canvas", "summarize"));
        assertThat(colours.of("canvas")).isEqualTo(ChartColours.PALETTE.get(1));
        assertThat(colours.of("something new")).as("the next place").isEqualTo(ChartColours.PALETTE.get(3));
    }

    /** WCAG 2's contrast ratio: (L1 + 0.05) / (L2 + 0.05), white's relative luminance being 1. */
    static double contrastWithWhite(String hex) {
        double r = linear(Integer.parseInt(hex.substring(1, 3), 16));
        double g = linear(Integer.parseInt(hex.substring(3, 5), 16));
        double b = linear(Integer.parseInt(hex.substring(5, 7), 16));
        return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
    }

    private static double linear(int channel) {
        double c = channel / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }
}

package com.aicredits.ledger.ui;

import java.util.List;

/**
 * The usage charts' colours, decided here alone (charts.js draws what the chart's data says). A feature's colour is its
 * place in the tenant's feature order ({@code UsageOverTime.featureOrder}), never its place in one chart: a user's
 * chart shows a few of the tenant's features, and coloured by place the same feature was pink on the tenant's chart
 * and blue on the user's. Beyond the palette's ten, features share colours, round the palette.
 */
record ChartColours(List<String> featureOrder) {

    /**
     * Bootstrap's hues, those too light darkened, so that each bar has at least 3:1 contrast against the white page
     * (WCAG 1.4.11, non-text contrast); the most distinct first. A chart of one series takes the first.
     */
    static final List<String> PALETTE = List.of("#0d6efd", "#d63384", "#198754", "#ca6510", "#6f42c1", "#087990",
            "#dc3545", "#6c757d", "#997404", "#8c564b");

    ChartColours {
        featureOrder = List.copyOf(featureOrder);
    }

    /**
     * The colour of the feature with this series key. One consumed since the order was read takes the next place,
     * which is the one the order gives it from then on.
     */
    String of(String feature) {
        int place = featureOrder.indexOf(feature);
        return PALETTE.get((place < 0 ? featureOrder.size() : place) % PALETTE.size());
    }
}

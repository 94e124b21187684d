package com.aicredits.canvas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StandInModelTest {

    @Test
    void the_stand_in_answers_deterministically_says_what_it_is_and_reports_token_usage() {
        var model = new StandInModel();
        var conversation = List.of(new ChatModel.Turn("user", "What is our lead time?"));

        var first = model.complete(conversation);
        var again = model.complete(conversation);

        assertThat(first).isEqualTo(again);
        assertThat(first.text()).startsWith("(Offline stand-in model)").contains("What is our lead time?");
        assertThat(first.promptTokens()).isEqualTo(6); // 22 characters, about four to a token
        assertThat(first.completionTokens()).isEqualTo((first.text().length() + 3) / 4);
        assertThat(model.isStandIn()).isTrue();
    }

    @Test
    void prices_round_up_to_the_thousandth_so_a_request_never_costs_less_than_it_used() {
        var settings = new CanvasSettings(null, new java.math.BigDecimal("0.5"), new java.math.BigDecimal("1.5"), null);
        assertThat(settings.cost(1000, 2000)).isEqualByComparingTo("3.5");
        assertThat(settings.cost(1, 0)).isEqualByComparingTo("0.001");
        assertThat(settings.cost(0, 0)).isEqualByComparingTo("0");
    }
}

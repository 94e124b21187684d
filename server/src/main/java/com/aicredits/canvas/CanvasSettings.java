package com.aicredits.canvas;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code aicredits.canvas.*}: what a question holds up front, the price of tokens, and the model. With no
 * {@code model.base-url} the offline stand-in answers.
 */
@ConfigurationProperties("aicredits.canvas")
record CanvasSettings(BigDecimal estimate, BigDecimal promptPricePer1kTokens, BigDecimal completionPricePer1kTokens,
        Model model) {

    record Model(String baseUrl, String apiKey, String name, Duration timeout) {
        Model {
            name = name == null || name.isBlank() ? "gpt-4o-mini" : name;
            timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
        }
    }

    CanvasSettings {
        estimate = estimate == null ? new BigDecimal("5") : estimate;
        promptPricePer1kTokens = promptPricePer1kTokens == null ? new BigDecimal("0.5") : promptPricePer1kTokens;
        completionPricePer1kTokens = completionPricePer1kTokens == null ? new BigDecimal("1.5") : completionPricePer1kTokens;
        model = model == null ? new Model(null, null, null, null) : model;
    }

    /** The price of a completion in credits, rounded up to the thousandth: a request never costs less than it used. */
    BigDecimal cost(long promptTokens, long completionTokens) {
        return promptPricePer1kTokens.multiply(BigDecimal.valueOf(promptTokens))
                .add(completionPricePer1kTokens.multiply(BigDecimal.valueOf(completionTokens)))
                .divide(BigDecimal.valueOf(1000), 3, RoundingMode.CEILING);
    }
}

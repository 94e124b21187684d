package com.aicredits.settings;

import com.aicredits.shared.Credits;
import java.util.Objects;

/** An allowance's terms: {@code credits} every {@code period}, granted by {@code mode}. */
public record AllowanceTerms(Credits credits, Period period, AllowanceMode mode) {

    public AllowanceTerms {
        Objects.requireNonNull(credits, "credits");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(mode, "mode");
    }
}

package com.aicredits.client;

import java.math.BigDecimal;

/**
 * A user's credits; {@code canStart} says whether a new AI request would be admitted. {@code active} says that the
 * user has an open allocation (credits assigned and not ended), not whether the person is active in the directory:
 * a deactivated person still holding a running request's credits has one, a new person with no credits has none.
 */
public record Balance(BigDecimal assigned, BigDecimal consumed, BigDecimal remaining, BigDecimal held,
        BigDecimal available, boolean active, boolean canStart) {
}

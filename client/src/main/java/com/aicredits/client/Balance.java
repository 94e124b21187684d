package com.aicredits.client;

import java.math.BigDecimal;

/** A user's credits; {@code canStart} says whether a new AI request would be admitted. */
public record Balance(BigDecimal assigned, BigDecimal consumed, BigDecimal remaining, BigDecimal held,
        BigDecimal available, boolean active, boolean canStart) {
}

package com.aicredits.ledger;

/** A user's own figures; {@code canStart} is whether a new AI request would be admitted on credits alone. */
public record Balance(Credits assigned, Credits consumed, Credits remaining, Credits held, Credits available,
        boolean active, boolean canStart) {

    static final Balance NONE = new Balance(Credits.ZERO, Credits.ZERO, Credits.ZERO, Credits.ZERO, Credits.ZERO,
            false, false);
}

package com.aicredits.ledger;

import com.aicredits.shared.Credits;




/**
 * A user's own figures; {@code active} is whether they have an active allocation, {@code canStart} whether a
 * new AI request would be admitted now (active user, active allocation, available > 0, below the in-flight limit).
 */
public record Balance(Credits assigned, Credits consumed, Credits remaining, Credits held, Credits available,
        boolean active, boolean canStart) {

    /** A registered user who was never allocated credits. */
    static final Balance NONE = new Balance(Credits.ZERO, Credits.ZERO, Credits.ZERO, Credits.ZERO, Credits.ZERO,
            false, false);
}

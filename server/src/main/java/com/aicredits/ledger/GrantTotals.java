package com.aicredits.ledger;

import com.aicredits.shared.Credits;

/** What a run of grants did: credits granted, shortfall left, and how many users it granted to. */
public record GrantTotals(Credits granted, Credits shortfall, int users) {

    public static final GrantTotals NONE = new GrantTotals(Credits.ZERO, Credits.ZERO, 0);

    GrantTotals plus(GrantTotals other) {
        return new GrantTotals(granted.plus(other.granted), shortfall.plus(other.shortfall), users + other.users);
    }
}

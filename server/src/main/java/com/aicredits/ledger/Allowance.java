package com.aicredits.ledger;

import com.aicredits.shared.Credits;

import com.aicredits.shared.UserId;
import com.aicredits.settings.AllowanceTerms;
import java.time.Instant;
import java.util.Optional;

/** A user's allowance and its latest grant (empty before the first). */
public record Allowance(UserId userId, AllowanceTerms terms, String note, String setBy, Instant setAt,
        Optional<Grant> lastGrant) {

    /**
     * What one period's grant did: {@code due} is what the allowance called for at the period start, {@code granted}
     * what the pool gave, {@code shortfall} the rest; {@code returned} what a RESET gave back to the pool first.
     */
    public record Grant(PeriodStart period, Credits due, Credits granted, Credits shortfall, Credits returned,
            Instant at) {
    }
}

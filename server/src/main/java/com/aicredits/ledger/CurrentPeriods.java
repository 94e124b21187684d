package com.aicredits.ledger;

import com.aicredits.settings.Period;

/** The periods running now in a tenant's time zone, one of each kind: what a grant made now is for. */
public record CurrentPeriods(PeriodStart monthly, PeriodStart weekly) {

    public PeriodStart of(Period period) {
        return period == Period.MONTHLY ? monthly : weekly;
    }
}

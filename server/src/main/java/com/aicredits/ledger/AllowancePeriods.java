package com.aicredits.ledger;

import com.aicredits.shared.TenantId;
import com.aicredits.settings.Calendar;
import com.aicredits.settings.Period;
import com.aicredits.settings.TenantSettings;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.springframework.stereotype.Component;

/** The periods running now for a tenant, in its time zone as it is set at this moment. */
@Component
class AllowancePeriods {

    private final TenantSettings settings;
    private final Calendar calendar;

    AllowancePeriods(TenantSettings settings, Calendar calendar) {
        this.settings = settings;
        this.calendar = calendar;
    }

    CurrentPeriods current(TenantId tenant) {
        var zone = settings.timeZone(tenant);
        return new CurrentPeriods(new PeriodStart(Period.MONTHLY, calendar.currentStart(Period.MONTHLY, zone), zone),
                new PeriodStart(Period.WEEKLY, calendar.currentStart(Period.WEEKLY, zone), zone));
    }

    LocalDate nextGrantDay(TenantId tenant, Period period) {
        return nextGrants(settings.timeZone(tenant)).day(period);
    }

    Instant nextGrantAt(TenantId tenant, Period period) {
        return nextGrants(settings.timeZone(tenant)).at(period);
    }

    /** The next grant of each period in {@code zone}, for readers that need both for many users. */
    NextGrants nextGrants(ZoneId zone) {
        return new NextGrants(nextDay(Period.MONTHLY, zone), nextDay(Period.WEEKLY, zone), zone);
    }

    private LocalDate nextDay(Period period, ZoneId zone) {
        return Calendar.following(period, calendar.currentStart(period, zone));
    }

    /** The first day of the next monthly and weekly periods, and the zone they start at midnight in. */
    record NextGrants(LocalDate monthly, LocalDate weekly, ZoneId zone) {

        LocalDate day(Period period) {
            return period == Period.MONTHLY ? monthly : weekly;
        }

        Instant at(Period period) {
            return day(period).atStartOfDay(zone).toInstant();
        }
    }
}

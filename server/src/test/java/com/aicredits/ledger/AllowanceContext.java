package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.ADMIN;
import static com.aicredits.ledger.LedgerFixture.credits;

import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Calendar;
import com.aicredits.settings.Period;
import com.aicredits.settings.TenantSettings;
import com.aicredits.shared.UserId;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What the allowance tests share ({@link AllowanceSettingTest}, {@link AllowanceGrantsTest}): a fresh tenant per
 * test, setting an allowance, running the period job, and moving the shared test clock to a period's start.
 * Subclasses carry {@code @TestApplication}.
 */
abstract class AllowanceContext extends LedgerTenantContext {

    @Autowired TenantSettings settings;
    @Autowired Calendar calendar;

    static AllowanceTerms terms(String credits, Period period, AllowanceMode mode) {
        return new AllowanceTerms(credits(credits), period, mode);
    }

    Allowance set(UserId user, AllowanceTerms terms) {
        return ledger.allowances().set(t.tenant, user, terms, null, ADMIN).orElseThrow();
    }

    /** Moves the shared test clock to just after the next start of {@code period} in the tenant's zone. */
    void nextPeriod(Period period) {
        var next = calendar.nextStart(period, settings.timeZone(t.tenant));
        clock.advance(Duration.between(clock.instant(), next).plusSeconds(1));
        sweepOthers();
    }

    /**
     * The test clock and the expiry sweep are shared by every test of the context: a jump of weeks leaves other
     * tests' open holds expired but unswept, and the next test to sweep would count them as its own. Sweep them now.
     */
    void sweepOthers() {
        ledger.expireHolds();
    }

    /** Moves the clock to a minute before the next start of {@code period}: a request authorized now is still settleable after it. */
    void justBefore(Period period) {
        var next = calendar.nextStart(period, settings.timeZone(t.tenant));
        clock.advance(Duration.between(clock.instant(), next).minusSeconds(60));
        sweepOthers();
    }

    GrantTotals runJob() {
        return ledger.allowances().grantDue(t.tenant, batch -> { });
    }

    long entries(UserId user, EntryType type) {
        return ledger.entries(t.tenant, user, type, 0, 100).total();
    }
}

package com.aicredits.ledger.ui;

import com.aicredits.ledger.AccountRow;
import com.aicredits.ledger.Runway;
import com.aicredits.ledger.Purchase;
import com.aicredits.ledger.Summary;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/** What the templates show, already formatted, so no template does arithmetic. */
public final class Views {

    private Views() {
    }

    /**
     * The five cards; {@code low} and {@code usedUp} count the table's Low and Exhausted filters. Users with Credits
     * reads "N of M active users": N counts only people who are active, as M does.
     */
    public record Cards(String purchased, String utilized, String utilizedPercent, String available, String availablePercent,
            long usersWithCredits, long totalUsers, String unassigned, boolean unassignedEmpty, long low, long usedUp) {
        static Cards of(Summary s, long low, long usedUp) {
            return new Cards(Display.credits(s.totalPurchased()), Display.credits(s.totalUtilized()),
                    Display.percent(s.utilizedPercent()), Display.credits(s.totalAvailable()),
                    Display.percent(s.availablePercent()), s.activeUsersWithCredits(), s.totalUsers(),
                    Display.credits(s.creditsUnassigned()), !s.creditsUnassigned().isPositive(), low, usedUp);
        }
    }

    /**
     * One table row; {@code barPercent} is the bar's width (capped at 100), {@code usedPercent} the true figure.
     * {@code removable} is max(0, remaining - held); an allocation with nothing removable and nothing held can
     * only be ended, one with held credits can do neither until its requests finish. {@code deactivated} is the
     * user's directory state: their credits stay allocated until reclaimed.
     */
    public record Row(String userId, String name, String email, String role, String assigned, String consumed,
            String remaining, String held, boolean hasHeld, String usedPercent, int barPercent, boolean over,
            boolean negative, boolean low, boolean exhausted, String removable, boolean canRemove, boolean canEnd,
            boolean active, boolean deactivated, String allowance, String nextGrant, String runsOut, boolean atRisk) {

        /** The row without its allowance's next grant day and its runway (the dialogs, the history). */
        static Row of(AccountRow r) {
            return of(r, period -> null, null);
        }

        /**
         * {@code nextGrant}: the day the next period of each kind starts, in the tenant's time zone; {@code runway}:
         * the user's runway (SPEC: "runs out ~Dec 18", flagged when before the next allowance grant), or null.
         */
        static Row of(AccountRow r, java.util.function.Function<Period, LocalDate> nextGrant, Runway runway) {
            int bar = r.usedPercent().min(BigDecimal.valueOf(100)).max(BigDecimal.ZERO).intValue();
            var removable = r.removable();
            return new Row(r.userId().toString(), r.name(), r.email(), r.role().name(), Display.credits(r.assigned()),
                    Display.credits(r.consumed()), Display.credits(r.remaining()), Display.credits(r.held()),
                    r.held().isPositive(), Display.percent(r.usedPercent()), bar,
                    r.usedPercent().compareTo(BigDecimal.valueOf(100)) > 0, r.remaining().isNegative(),
                    // the table's "low" filter, plus exhausted: at most a fifth of the assignment left
                    !r.remaining().isNegative() && r.remaining().thousandths() * 5 <= r.assigned().thousandths(),
                    usedUp(r), Display.credits(removable), removable.isPositive(),
                    r.active() && !removable.isPositive() && !r.held().isPositive(), r.active(), !r.userActive(),
                    r.allowance().map(Views::allowance).orElse(null),
                    r.allowance().map(a -> nextGrant.apply(a.period())).map(Views::day).orElse(null),
                    runway == null ? null : usedUp(r) ? USED_UP : runway.runsOutOn() == null ? "—" : "~" + day(runway.runsOutOn()),
                    runway != null && runway.beforeNextGrant());
        }

        /**
         * What the runway column says of a user with nothing left, on the screen and in its CSV: their runway's day is
         * today whenever they ran out, so a day would read as "runs out today" for someone out for weeks.
         */
        static final String USED_UP = "used up";

        static boolean usedUp(AccountRow r) {
            return !r.remaining().isPositive();
        }

        /** Nothing can be removed and the allocation cannot end: credits are held by running requests. */
        public boolean stuck() {
            return !canRemove && !canEnd;
        }
    }

    /** "100 every month, reset" */
    static String allowance(AllowanceTerms terms) {
        return Display.credits(terms.credits()) + " every " + (terms.period() == Period.MONTHLY ? "month" : "week")
                + (terms.mode() == AllowanceMode.RESET ? ", reset" : ", topped up");
    }

    /** "Jan 1" */
    static String day(LocalDate day) {
        return day.format(java.time.format.DateTimeFormatter.ofPattern("MMM d", java.util.Locale.ENGLISH));
    }

    public record PurchaseLine(String credits, String reference, String note, String actor, Instant at) {
        static PurchaseLine of(Purchase p) {
            return new PurchaseLine(Display.credits(p.credits()), p.reference(), p.note(), p.actor(), p.createdAt());
        }
    }
}

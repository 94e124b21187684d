package com.aicredits.ledger;

import com.aicredits.ledger.ModelState.Account;
import com.aicredits.ledger.ModelState.AllowanceOutcome;
import com.aicredits.ledger.ModelState.Grant;
import com.aicredits.ledger.ModelState.GrantKey;
import com.aicredits.ledger.ModelState.Rejection;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.UserId;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Allowances and their periods in the {@link LedgerModel} (the tenant's time zone is UTC): setting and removing
 * one, the period job's grants, and completing the running periods' short grants. Like {@link ModelBulk},
 * static rules over the model's state: each returns what the ledger must answer and applies its effect.
 */
final class ModelAllowances {

    private ModelAllowances() {
    }

    /** The first day of the period running at {@code now}: the 1st, or Monday, in UTC. */
    static LocalDate periodStart(Period period, Instant now) {
        var day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return period == Period.MONTHLY ? day.withDayOfMonth(1) : day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    /** When the period after the current one starts. */
    static Instant nextPeriodStart(Period period, Instant now) {
        var start = periodStart(period, now);
        return (period == Period.MONTHLY ? start.plusMonths(1) : start.plusWeeks(1)).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static Object setAllowance(LedgerModel model, UserId user, AllowanceTerms terms, Instant now) {
        if (!LedgerModel.enterable(terms.credits())) {
            return new Rejection(Refusal.INVALID_AMOUNT);
        }
        if (!model.users.containsKey(user)) {
            return new Rejection(Refusal.NOT_FOUND);
        }
        if (model.inactive.contains(user)) {
            return new Rejection(Refusal.USER_INACTIVE);
        }
        model.allowances.put(user, terms);
        grant(model, user, terms, now);
        return new AllowanceOutcome(terms, lastGrant(model, user, terms.period()));
    }

    static boolean removeAllowance(LedgerModel model, UserId user) {
        return model.allowances.remove(user) != null;
    }

    /**
     * The period job: every active user's allowance without a grant for the running period, in user id order (as
     * PostgreSQL sorts uuids). A deactivated user's allowance stands but grants nothing while they are inactive.
     */
    static GrantTotals grantDue(LedgerModel model, Instant now) {
        GrantTotals total = GrantTotals.NONE;
        var order = model.allowances.keySet().stream().filter(user -> !model.inactive.contains(user))
                .sorted(Comparator.comparing(UserId::toString)).toList();
        for (var user : order) {
            total = total.plus(grant(model, user, model.allowances.get(user), now));
        }
        return total;
    }

    /** The missing grants, then the short ones of the running periods completed, oldest first. */
    static GrantTotals grantCurrentPeriod(LedgerModel model, Instant now) {
        var due = grantDue(model, now);
        long completed = 0;
        int users = 0;
        var shortOnes = currentGrants(model, now).entrySet().stream()
                .filter(e -> e.getValue().due > e.getValue().granted && !model.inactive.contains(e.getKey().user()))
                .sorted(Comparator.comparing((Map.Entry<GrantKey, Grant> e) -> e.getValue().at)
                        .thenComparing(e -> e.getKey().user().toString()))
                .toList();
        for (var entry : shortOnes) {
            var grant = entry.getValue();
            long credits = Math.min(grant.due - grant.granted, model.unassigned());
            if (credits <= 0) {
                continue;
            }
            give(model, entry.getKey().user(), credits);
            grant.granted += credits;
            completed += credits;
            users++;
        }
        long shortfall = currentGrants(model, now).entrySet().stream()
                .filter(e -> !model.inactive.contains(e.getKey().user()))
                .mapToLong(e -> e.getValue().due - e.getValue().granted).sum();
        return new GrantTotals(due.granted().plus(new Credits(completed)), new Credits(shortfall), due.users() + users);
    }

    /** The running periods' grants of allowances that still stand with that period. */
    private static Map<GrantKey, Grant> currentGrants(LedgerModel model, Instant now) {
        var current = new LinkedHashMap<GrantKey, Grant>();
        model.grants.forEach((key, grant) -> {
            var terms = model.allowances.get(key.user());
            if (terms != null && terms.period() == key.period() && key.start().equals(periodStart(key.period(), now))) {
                current.put(key, grant);
            }
        });
        return current;
    }

    private static GrantTotals grant(LedgerModel model, UserId user, AllowanceTerms terms, Instant now) {
        var key = new GrantKey(user, terms.period(), periodStart(terms.period(), now));
        if (model.grants.containsKey(key)) {
            return GrantTotals.NONE;
        }
        var grant = new Grant(now.truncatedTo(ChronoUnit.MICROS));
        model.grants.put(key, grant);
        var account = model.accounts.get(user);
        if (terms.mode() == AllowanceMode.RESET && account != null && account.active && account.removable() > 0) {
            grant.returned = account.removable();
            account.assigned -= grant.returned;
            model.assigned -= grant.returned;
            account.active = account.remaining() != 0;
        }
        long remaining = account == null ? 0 : account.remaining();
        grant.due = terms.mode() == AllowanceMode.RESET ? terms.credits().thousandths()
                : Math.max(0, terms.credits().thousandths() - remaining);
        grant.granted = Math.min(grant.due, model.unassigned());
        if (grant.granted > 0) {
            give(model, user, grant.granted);
        }
        return new GrantTotals(new Credits(grant.granted), new Credits(grant.due - grant.granted), 1);
    }

    /** From the pool to the user, opening (or reopening) the allocation like an assign. */
    private static void give(LedgerModel model, UserId user, long credits) {
        var account = model.accounts.computeIfAbsent(user, u -> new Account());
        if (!account.active) {
            account.assignedBeforeOpening = account.assigned;
            account.active = true;
        }
        account.assigned += credits;
        model.assigned += credits;
    }

    /** The latest grant of the user's allowance period (by period start): what the allowance shows as lastGrant. */
    static ModelState.GrantFigures lastGrant(LedgerModel model, UserId user, Period period) {
        return model.grants.entrySet().stream()
                .filter(e -> e.getKey().user().equals(user) && e.getKey().period() == period)
                .max(Comparator.comparing(e -> e.getKey().start()))
                .map(e -> e.getValue().figures()).orElse(null);
    }
}

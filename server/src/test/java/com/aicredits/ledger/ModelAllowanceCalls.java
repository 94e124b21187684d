package com.aicredits.ledger;

import static com.aicredits.ledger.ModelRun.ADMIN;

import com.aicredits.ledger.ModelChoices.Amount;
import com.aicredits.ledger.ModelState.AllowanceOutcome;
import com.aicredits.ledger.ModelState.GrantFigures;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import java.time.Duration;

/**
 * A {@link ModelRun}'s calls on the real ledger for allowances, beside the model's {@link ModelAllowances}:
 * setting one (for one user or several) and removing it, the period job at a period's start, and completing
 * the running periods' grants.
 */
final class ModelAllowanceCalls {

    private final ModelRun run;

    ModelAllowanceCalls(ModelRun run) {
        this.run = run;
    }

    void setAllowance(String userName, Amount amount, Period period, AllowanceMode mode) {
        UserId user = run.users.get(userName);
        var terms = new AllowanceTerms(run.amount(amount, user, null), period, mode);
        Object expected = ModelAllowances.setAllowance(run.model, user, terms, run.clock.instant());
        Object actual = switch (run.ledger.allowances().set(run.tenant, user, terms, null, ADMIN)) {
            case Outcome.Done<Allowance>(var set) -> new AllowanceOutcome(set.terms(),
                    set.lastGrant().map(g -> new GrantFigures(g.due().thousandths(), g.granted().thousandths(),
                            g.shortfall().thousandths(), g.returned().thousandths())).orElse(null));
            case Refused<Allowance> refused -> refused;
        };
        run.compare("setAllowance(" + userName + ", " + terms + ")", expected, actual);
    }

    void removeAllowance(String userName) {
        UserId user = run.users.get(userName);
        run.compare("removeAllowance(" + userName + ")", ModelAllowances.removeAllowance(run.model, user),
                run.ledger.allowances().remove(run.tenant, user));
    }

    /** The action bar's "Set allowance" for several users, against the model; a dry run compared without its figures after. */
    void setAllowances(ModelStep.SetAllowances step) {
        var ids = step.users().stream().map(run.users::get).toList();
        var terms = new AllowanceTerms(run.amount(step.credits(), ids.getFirst(), null), step.period(), step.mode());
        Object expected = ModelBulk.setAllowances(run.model, ids, terms, step.dryRun(), run.clock.instant());
        Object actual = ModelBulk.Answer.of(run.ledger.allowances().setAll(run.tenant, ids, terms, null, ADMIN,
                step.dryRun()));
        run.compare("setAllowances(" + step.users() + ", " + terms + ", dryRun=" + step.dryRun() + ")", expected,
                step.dryRun() ? ModelBulk.withoutAfter(actual) : actual);
    }

    /** Moves the clock past the next start of {@code period} (UTC, the tenant's zone) and runs the period job. */
    void periodStart(Period period, int secondsAfter, int batchSize) {
        var next = ModelAllowances.nextPeriodStart(period, run.clock.instant());
        run.clock.advance(Duration.between(run.clock.instant(), next).plusSeconds(secondsAfter));
        run.compare("periodStart(" + period + " " + ModelAllowances.periodStart(period, run.clock.instant()) + ")",
                ModelAllowances.grantDue(run.model, run.clock.instant()),
                run.ledger.allowances().grantDue(run.tenant, batchSize, batch -> { }));
    }

    void grantCurrentPeriod() {
        run.compare("grantCurrentPeriod()", ModelAllowances.grantCurrentPeriod(run.model, run.clock.instant()),
                run.ledger.allowances().grantCurrentPeriod(run.tenant));
    }
}

package com.aicredits.ledger;

import static com.aicredits.RandomChoices.w;

import com.aicredits.RandomChoices.Weighted;
import com.aicredits.ledger.ModelAllocationCalls.AdminCall;
import com.aicredits.ledger.ModelChoices.AdminVariation;
import com.aicredits.ledger.ModelChoices.Amount;
import com.aicredits.ledger.ModelChoices.RequestVariation;
import com.aicredits.ledger.ModelChoices.Target;
import com.aicredits.ledger.ModelConsumptionCalls.RequestCall;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.Period;
import com.aicredits.shared.Credits;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of a generated sequence, and the one place where each kind of step is defined: how often it is
 * drawn ({@link #mix}), what it draws, and what it does ({@code perform}: resolve its symbolic choices, ask
 * the {@link LedgerModel} for the expected answer, make the same call on the ledger, compare).
 *
 * <p>To add an operation: a record here with its weight in {@link #mix}, its rule in the {@link LedgerModel} part
 * for its capability and, if it is a new kind of call, a method on the matching part of the {@link ModelRun}
 * (each class comment lists its parts). Invariants go in {@link ModelInvariants}.
 */
sealed interface ModelStep {

    void perform(ModelRun run);

    /** The calls the step makes, each taking its own path ({@link ModelCoverage}); most steps are one. */
    default List<ModelStep> parts(ModelRun run) {
        return List.of(this);
    }

    /** Steps after the opening; the weights are the share of each kind in a sequence. */
    static List<Weighted<ModelStep>> mix(ModelChoices c) {
        return List.of(
                w(5, () -> new Elapse(c.random.oneOf(0, 1, 5, 14, 15, 16, 30, 60), c.random.chance(6.0 / 7))),
                // Past the settle deadline: expired requests give back their slot, late settles are refused.
                w(1, () -> new Elapse(c.random.oneOf(1_425, 1_440, 1_441, 1_500), c.random.chance(1.0 / 2))),
                w(2, () -> new EndAllocation(c.user(), c.key())),
                w(2, () -> new EndThenSettleLate(c.key(), c.settleCost())),
                // Reactivation is drawn more often, so most users are active most of the time.
                w(1, () -> new Deactivate(c.user())),
                w(4, () -> new Reactivate(c.user())),
                w(9, () -> new PurchaseCredits(c.purchase(), c.reference(), c.note(), c.key())),
                w(8, () -> new AssignCredits(c.user(), c.allocation(), c.note(), c.key())),
                w(8, () -> new AddCredits(c.user(), c.allocation(), c.note(), c.key())),
                w(8, () -> new RemoveCredits(c.user(), c.removal(), c.note(), c.key())),
                w(18, () -> new Authorize(c.newRequest(), c.user(), c.feature(), c.estimate())),
                w(3, () -> new Burst(c.user(), c.random.between(2, 5), c.feature())),
                w(8, () -> new Charge(c.newRequest(), c.user(), c.feature(), c.chargeCost())),
                w(4, c::chargeBatch),
                w(4, c::gathered),
                w(12, () -> new Settle(c.finishing(), c.settleCost())),
                w(5, () -> new VoidRequest(c.finishing())),
                w(4, c::bulk),
                w(5, () -> new RetryAdminCall(c.random.between(0, 4), c.adminVariation())),
                w(5, () -> new RetryRequestCall(c.random.between(0, 4), c.requestVariation())),
                w(4, () -> new SetAllowance(c.user(), c.allocation(), c.random.oneOf(Period.values()),
                        c.random.oneOf(AllowanceMode.values()))),
                w(1, () -> new RemoveAllowance(c.user())),
                w(2, c::setAllowances),
                w(3, () -> new PeriodStarts(c.random.oneOf(Period.values()), c.random.oneOf(0, 1, 3_600),
                        c.random.oneOf(1, 2, 500))),
                w(2, () -> new GrantCurrentPeriod()),
                // A credit request approved: an assign or an add from the pool, inside the approval's transaction.
                w(3, () -> new ApproveRequest(c.user(), c.allocation())));
    }

    /**
     * A purchase, then an assignment to every user. Without it, a third of a sequence goes by before a
     * purchase and an assignment have both happened, and requests are mostly refused for want of an
     * allocation. The amounts still vary, so the pool can run out.
     */
    static List<ModelStep> opening(ModelChoices c, int users) {
        var steps = new ArrayList<ModelStep>();
        steps.add(new PurchaseCredits(new Amount.Exactly(Credits.of(c.random.between(50, 500))), "PO-0", null,
                "open"));
        for (int i = 0; i < users; i++) {
            steps.add(new AssignCredits("u" + i, new Amount.Exactly(new Credits(c.random.between(1_000L, 120_000L))),
                    null, "open-u" + i));
        }
        return steps;
    }

    record PurchaseCredits(Amount credits, String reference, String note, String key) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.allocations.admin(new AdminCall(EntryType.PURCHASE, null, run.amount(credits, null, null), note,
                    reference, key));
        }
    }

    record AssignCredits(String user, Amount credits, String note, String key) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.allocations.allocation(EntryType.ASSIGN, user, credits, note, key);
        }
    }

    /** The user files a credit request (or has one pending) and an admin approves it with {@code credits}. */
    record ApproveRequest(String user, Amount credits) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.allocations.approveRequest(user, credits);
        }
    }

    record AddCredits(String user, Amount credits, String note, String key) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.allocations.allocation(EntryType.ADD, user, credits, note, key);
        }
    }

    record RemoveCredits(String user, Amount credits, String note, String key) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.allocations.allocation(EntryType.REMOVE, user, credits, note, key);
        }
    }

    /**
     * Assign, add or remove for several users at once, all or nothing (rows may repeat a user or name a
     * stranger, amounts may run past the pool or the removable credits); {@code dryRun} previews only.
     */
    record Bulk(EntryType kind, List<String> users, List<Amount> credits, String note, boolean dryRun) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.allocations.bulk(this);
        }
    }

    /** Ends the user's allocation: allowed only with nothing removable and nothing held. */
    record EndAllocation(String user, String key) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.allocations.admin(new AdminCall(EntryType.END, run.user(user), Credits.ZERO, null, null, key));
        }
    }

    /**
     * The admin ends the allocation of the user whose request expired last, then the feature settles that request
     * late: the way a late settle reopens a closed account, which independent steps line up about once in 700
     * sequences (the run went on past its 500 until they did).
     */
    record EndThenSettleLate(String key, Amount cost) implements ModelStep {
        @Override
        public List<ModelStep> parts(ModelRun run) {
            var late = new Settle(new Target.Expired(0), cost);
            return run.model.userOf(run.requestFor(late.request()).value())
                    .<List<ModelStep>>map(user -> List.of(new EndAllocation(run.names.get(user), key), late))
                    .orElse(List.of(late));
        }

        @Override
        public void perform(ModelRun run) {
            parts(run).forEach(part -> part.perform(run));
        }
    }

    /** The directory deactivates the user (an admin, the API or SCIM): their removable credits return to the pool. */
    record Deactivate(String user) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.allocations.deactivate(user);
        }
    }

    record Reactivate(String user) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.allocations.reactivate(user);
        }
    }

    /** {@code estimate} null: hold the feature's default. */
    record Authorize(Target request, String user, String feature, Amount estimate) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            var id = run.requestFor(request);
            var userId = run.user(user);
            run.consumption.request(new RequestCall(false, id, userId, feature,
                    estimate == null ? null : run.amount(estimate, userId, id)));
        }
    }

    /** Several new requests of one user in a row, each holding the feature's default: many tabs open. */
    record Burst(String user, int requests, String feature) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            for (int i = 0; i < requests; i++) {
                run.consumption.request(new RequestCall(false, run.requestFor(new Target.Fresh()), run.user(user),
                        feature, null));
            }
        }
    }

    record Charge(Target request, String user, String feature, Amount cost) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            var id = run.requestFor(request);
            var userId = run.user(user);
            run.consumption.request(new RequestCall(true, id, userId, feature, run.amount(cost, userId, id)));
        }
    }

    /**
     * 2 to 6 charges in one call ({@code POST /consumption/charges}); {@code sameAs} repeats an earlier item's request
     * id (for the same or another user), or is -1. Each item must answer what a charge in its place would have.
     */
    record ChargeBatch(List<Charge> items, List<Integer> sameAs) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.consumption.chargeBatch(this);
        }
    }

    /**
     * 2 to 6 authorizations or settlements applied together as group commit applies them (issue 16, {@link
     * HoldGatherer}); {@code sameAs} repeats an earlier item's request id, or is -1. Each must answer what the single
     * call in its place would have.
     */
    record Gathered(List<ModelStep> items, List<Integer> sameAs) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.consumption.gathered(this);
        }
    }

    record Settle(Target request, Amount cost) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            var id = run.requestFor(request);
            Credits credits = run.amount(cost, run.model.userOf(id.value()).orElse(null), id);
            run.compare("settle(" + id + ", " + credits + ")", ModelConsumption.settle(run.model, id, credits,
                    run.clock.instant()), run.ledger.settle(run.tenant, id, credits, ModelRun.FEATURE));
        }
    }

    record VoidRequest(Target request) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            var id = run.requestFor(request);
            run.compare("void(" + id + ")", ModelConsumption.voidRequest(run.model, id, run.clock.instant()),
                    run.ledger.voidRequest(run.tenant, id, ModelRun.FEATURE));
        }
    }

    /**
     * Moves the clock on; {@code sweep} then runs the background sweeper's round: the hold expiry, then the
     * reclaim of what deactivated users' finished requests gave back.
     */
    record Elapse(int minutes, boolean sweep) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.clock.advance(java.time.Duration.ofMinutes(minutes));
            if (sweep) {
                var now = run.clock.instant();
                run.compare("expireHolds() at " + now, ModelConsumption.expire(run.model, now),
                        new ModelState.Swept(run.ledger.expireHolds()));
                run.compare("reclaimLeftovers()", ModelAllocations.reclaimLeftovers(run.model),
                        run.reclaim.reclaimLeftovers(run.tenant));
            }
        }

        @Override
        public String toString() {
            return "Elapse[" + minutes + " min" + (sweep ? ", then expire holds]" : "]");
        }
    }

    /** Gives the user an allowance (granting the current period at once, if not granted yet). */
    record SetAllowance(String user, Amount credits, Period period, AllowanceMode mode) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.allowances.setAllowance(user, credits, period, mode);
        }
    }

    /** One allowance for several users at once, all or nothing (users may repeat or be deactivated); {@code dryRun} previews only. */
    record SetAllowances(List<String> users, Amount credits, Period period, AllowanceMode mode, boolean dryRun)
            implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.allowances.setAllowances(this);
        }
    }

    record RemoveAllowance(String user) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.allowances.removeAllowance(user);
        }
    }

    /** The clock moves to just after the next month or week start and the period job runs, {@code batch} users a transaction. */
    record PeriodStarts(Period period, int secondsAfter, int batch) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.allowances.periodStart(period, secondsAfter, batch);
        }
    }

    /** An admin completes the running periods' grants (after a purchase, say). */
    record GrantCurrentPeriod() implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.allowances.grantCurrentPeriod();
        }
    }

    /** Sends the {@code latest}-th most recent admin call that had an idempotency key again. */
    record RetryAdminCall(int latest, AdminVariation variation) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.allocations.retryAdmin(latest, variation);
        }
    }

    /** Sends the {@code latest}-th most recent authorize or charge again, with the same request id. */
    record RetryRequestCall(int latest, RequestVariation variation) implements ModelStep {
        @Override
        public void perform(ModelRun run) {
            run.consumption.retryRequest(latest, variation);
        }
    }
}

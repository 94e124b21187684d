package com.aicredits.ledger;

import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * The tenant's recurring grants (SPEC part two, "Allowances"): setting and removing allowances, reading them and
 * when each next grants, and granting a period; the work is {@link Allowances}' and {@link BulkAllowances}'. Reached
 * through {@link Ledger#allowances()}: not a bean of its own, so the ledger stays the module's one way in.
 */
public final class AllowanceSchedule {

    private final Allowances allowances;
    private final BulkAllowances bulk;
    private final AllowanceStore store;
    private final AllowancePeriods periods;

    AllowanceSchedule(Allowances allowances, BulkAllowances bulk, AllowanceStore store, AllowancePeriods periods) {
        this.allowances = allowances;
        this.bulk = bulk;
        this.store = store;
        this.periods = periods;
    }

    /**
     * Gives the user {@code terms.credits()} every period from the pool, and grants the current period at once (the
     * user needs no prior allocation: the grant opens or reopens it), unless the user was granted for this period
     * already: new terms then apply from the next period. Replaces an earlier allowance.
     */
    public Outcome<Allowance> set(TenantId tenant, UserId user, AllowanceTerms terms, String note, Actor actor) {
        return allowances.set(tenant, user, terms, note, actor);
    }

    /**
     * Sets one allowance for many users, all or nothing, each granted the current period at once (unless granted
     * already); the preview shows every user's figures before and after that grant. Unknown, repeated or
     * deactivated users are refused rows; a dry run rolls back.
     */
    public BulkResult setAll(TenantId tenant, List<UserId> users, AllowanceTerms terms, String note, Actor actor,
            boolean dryRun) {
        return bulk.set(tenant, users, terms, note, actor, dryRun);
    }

    public Optional<Allowance> of(TenantId tenant, UserId user) {
        return store.allowance(tenant, user);
    }

    public List<Allowance> all(TenantId tenant) {
        return store.allowances(tenant);
    }

    /** Stops future grants; what was granted stays. False when the user had no allowance. */
    public boolean remove(TenantId tenant, UserId user) {
        return allowances.remove(tenant, user);
    }

    /** The day the next period of the kind starts in the tenant's time zone (the next grant's day). */
    public LocalDate nextGrantDay(TenantId tenant, Period period) {
        return periods.nextGrantDay(tenant, period);
    }

    /** When the user's next period starts (and so their next grant), in the tenant's time zone as set now. */
    public Instant nextGrantAt(TenantId tenant, Period period) {
        return periods.nextGrantAt(tenant, period);
    }

    /**
     * Grants the current period to the tenant's allowances not yet granted for it, {@code batchSize} users per
     * transaction; {@code afterBatch} hears each committed batch's number. What the period job runs.
     */
    public GrantTotals grantDue(TenantId tenant, int batchSize, IntConsumer afterBatch) {
        return allowances.grantDue(tenant, batchSize, afterBatch);
    }

    /** {@link #grantDue(TenantId, int, IntConsumer)} in batches of {@code aicredits.allowances.batch-size} users. */
    public GrantTotals grantDue(TenantId tenant, IntConsumer afterBatch) {
        return allowances.grantDue(tenant, allowances.batchSize(), afterBatch);
    }

    /** The missing grants of the current period, then the short ones completed as far as the pool goes (after a purchase). */
    public GrantTotals grantCurrentPeriod(TenantId tenant) {
        return allowances.grantCurrentPeriod(tenant, allowances.batchSize());
    }

    /** The tenants with at least one allowance. */
    public List<TenantId> tenants() {
        return store.tenants();
    }
}

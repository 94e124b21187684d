package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;

/**
 * The ledger's one entry point, a thin facade over its use cases: {@link Allocations} (purchase, assign, add,
 * remove, end), {@link Consumption} (authorize, charge, settle, void, the sweeper), the reads ({@link LedgerQueries},
 * the table's {@link AccountTable}), usage over time ({@link #overTime()}) and recurring grants
 * ({@link #allowances()}). Every operation either writes exactly one ledger entry together with the balance change it
 * describes, in one transaction, or returns a {@link Refused} and changes nothing. Consumption is counted here, once,
 * for the operators' metrics.
 *
 * <p>Invariants, checked by {@link #reconcile}: purchased = unassigned + Σ assigned; for every account
 * remaining = assigned - consumed and held = Σ open holds; unassigned never negative; consumed never
 * decreases; a request id is charged at most once; remaining ≥ −(in-flight limit × largest single cost).
 * Each balance rule is defined once, in V7__ledger_rules_and_lifecycle.sql.
 */
@Service
@EnableConfigurationProperties({LedgerSettings.class, GroupCommitSettings.class, BatchSettings.class})
public class Ledger {

    private static final Logger log = LoggerFactory.getLogger(Ledger.class);

    public static final int MAX_NOTE = 500;
    public static final int MAX_REFERENCE = 200;
    public static final int MAX_FEATURE = 64;
    public static final int MAX_IDEMPOTENCY_KEY = 200;
    /** The most rows one bulk change may have (SPEC part two, "Bulk changes"). */
    public static final int MAX_BULK_ITEMS = 10_000;

    private final Allocations allocations;
    private final BulkChanges bulkChanges;
    private final Consumption consumption;
    private final LedgerQueries queries;
    private final AccountTable table;
    private final Reconciler reconciler;
    private final LedgerMetrics metrics;
    private final UsageReports usage;
    private final UsageOverTime overTime;
    private final AllowanceSchedule allowances;
    private final ChargeBatches chargeBatches;
    private final ChargeGatherer gatherer;
    private final HoldGatherer holds;

    Ledger(Allocations allocations, BulkChanges bulkChanges, BulkAllowances bulkAllowances, Consumption consumption,
            LedgerQueries queries, AccountTable table, Reconciler reconciler, LedgerMetrics metrics, Allowances allowances,
            AllowanceStore allowanceStore, AllowancePeriods periods, UsageReports usage, UsageFolder folder,
            ChargeBatches chargeBatches, ChargeGatherer gatherer, HoldGatherer holds) {
        this.chargeBatches = chargeBatches;
        this.gatherer = gatherer;
        this.holds = holds;
        this.allocations = allocations;
        this.bulkChanges = bulkChanges;
        this.consumption = consumption;
        this.queries = queries;
        this.table = table;
        this.reconciler = reconciler;
        this.metrics = metrics;
        this.usage = usage;
        this.overTime = new UsageOverTime(usage, folder, table);
        this.allowances = new AllowanceSchedule(allowances, bulkAllowances, allowanceStore, periods);
    }

    // ------------------------------------------------------------------ purchase and allocation

    /** Credits bought by the tenant enter its pool, unassigned. */
    public Outcome<Purchased> purchase(TenantId tenant, Credits credits, String reference, String note, Actor actor,
            String idempotencyKey) {
        return allocations.purchase(tenant, credits, reference, note, actor, idempotencyKey);
    }

    /** Opens an allocation for a user who has none (or reopens a closed one), taking credits from the pool. */
    public Outcome<Allocated> assign(TenantId tenant, UserId user, Credits credits, String note, Actor actor,
            String idempotencyKey) {
        return allocations.assign(tenant, user, credits, note, actor, idempotencyKey);
    }

    /** Adds credits to a user's active allocation, from the pool. */
    public Outcome<Allocated> add(TenantId tenant, UserId user, Credits credits, String note, Actor actor,
            String idempotencyKey) {
        return allocations.add(tenant, user, credits, note, actor, idempotencyKey);
    }

    /**
     * Returns unused credits to the pool: at most the removable credits, max(0, remaining - held). Consumed
     * credits are never reclaimed. Taking remaining to exactly zero closes the allocation; a later assign
     * reopens it.
     */
    public Outcome<Allocated> remove(TenantId tenant, UserId user, Credits credits, String note, Actor actor,
            String idempotencyKey) {
        return allocations.remove(tenant, user, credits, note, actor, idempotencyKey);
    }

    /**
     * Ends an allocation that has nothing left to remove and nothing held (remaining at or below zero): the
     * user leaves the table; their consumption, and a debt below zero, stay in the history.
     */
    public Outcome<Allocated> endAllocation(TenantId tenant, UserId user, Actor actor, String idempotencyKey) {
        return allocations.end(tenant, user, null, actor, idempotencyKey);
    }

    // ------------------------------------------------------------------ bulk changes

    /**
     * Assigns, adds or removes credits for many users, all or nothing: one transaction, each row through the
     * single operation's statements with its own ledger entry. Any refused row (every one is reported, by index)
     * or a dry run rolls everything back. Applying needs an idempotency key (it goes on the first row's entry).
     */
    public BulkResult bulk(TenantId tenant, BulkChange change, Actor actor, String idempotencyKey) {
        return bulkChanges.apply(tenant, change, actor, idempotencyKey);
    }

    // ------------------------------------------------------------------ consumption

    /**
     * Asks to start an AI request: admitted only if the user is active, has an active allocation, available =
     * remaining - held is above zero, and fewer requests in flight than the tenant's limit. Places a hold of
     * the estimate (or the feature's default). A repeated call with the same request id returns the first
     * authorization.
     */
    public Outcome<Authorized> authorize(TenantId tenant, RequestId request, UserId user, String feature,
            Credits estimate, Actor actor) {
        return metrics.authorized(holds.authorize(tenant, request, user, feature, estimate, actor));
    }

    /** Authorize and settle in one call, for features that know their cost up front. */
    public Outcome<Settled> charge(TenantId tenant, RequestId request, UserId user, String feature, Credits cost,
            Actor actor) {
        // Concurrent charges of a tenant may commit together (group commit, issue 16); each answers its own outcome.
        return metrics.charged(gatherer.charge(tenant, request, user, feature, cost, actor));
    }

    /**
     * Up to {@link ChargeItem#MAX_PER_BATCH} charges in one transaction, each applied or refused on its own exactly
     * as {@link #charge} would, in the order given; refused as a whole (nothing applied) only when malformed.
     */
    public Outcome<List<Outcome<Settled>>> charge(TenantId tenant, List<ChargeItem> items, Actor actor) {
        var outcome = chargeBatches.charge(tenant, items, actor);
        if (outcome instanceof Outcome.Done<List<Outcome<Settled>>>(var results)) {
            results.forEach(metrics::charged);
        }
        return outcome;
    }

    /**
     * Records the request's whole actual cost as consumed and releases its hold. Never refused for lack of
     * credits (the work is done), so remaining may go below zero. Also accepted after the hold expired, once,
     * until the request's settle deadline; after it, refused with REQUEST_EXPIRED.
     */
    public Outcome<Settled> settle(TenantId tenant, RequestId request, Credits cost, Actor actor) {
        return metrics.settled(holds.settle(tenant, request, cost, actor));
    }

    /** Releases the request's hold without consuming anything. */
    public Outcome<Voided> voidRequest(TenantId tenant, RequestId request, Actor actor) {
        return metrics.voided(consumption.voidRequest(tenant, request, actor));
    }

    /**
     * Releases every hold past its time-to-live and frees the in-flight slot of every expired request past
     * its settle deadline; returns how many holds expired. Called by the sweeper on every instance.
     */
    public int expireHolds() {
        return consumption.sweep(metrics::holdExpired);
    }

    public Optional<RequestState> request(TenantId tenant, RequestId request) {
        return consumption.request(tenant, request);
    }

    /**
     * Runs {@code work} on this thread with every entry it writes dated {@code at} instead of now, through the
     * ledger's own statements, so balances, roll-ups and the reconciliation see ordinary entries. For the demo tenant's
     * weeks of past use only: everywhere else the ledger records what happened when it happened.
     */
    public <T> T backdated(Instant at, java.util.function.Supplier<T> work) {
        return Clocks.dated(at, work);
    }

    // ------------------------------------------------------------------ reading

    public Optional<Summary> summary(TenantId tenant) {
        return queries.summary(tenant);
    }

    /** The pool's unassigned credits alone: one row, where the summary sums every account of the tenant. */
    public Optional<Credits> unassigned(TenantId tenant) {
        return queries.unassigned(tenant);
    }

    public Page<AccountRow> rows(TenantId tenant, RowQuery query) {
        return table.rows(tenant, query, () -> usage.window(tenant)).page();
    }

    /** Usage over time and runways: the charts, the forecast, the table's runway column. */
    public UsageOverTime overTime() {
        return overTime;
    }

    /** Recurring allowances: setting, reading and removing them, and granting a period. */
    public AllowanceSchedule allowances() {
        return allowances;
    }

    public Optional<AccountRow> row(TenantId tenant, UserId user) {
        return queries.row(tenant, user);
    }

    /** A user's balance, read from account_standing: a registered user never allocated credits has all zeros. */
    public Optional<Balance> balance(TenantId tenant, UserId user) {
        return queries.balance(tenant, user);
    }

    public List<AssignableUser> assignableUsers(TenantId tenant) {
        return queries.assignable(tenant);
    }

    /** The ledger, newest first; {@code user} and {@code type} narrow it when given. */
    public Page<Entry> entries(TenantId tenant, UserId user, EntryType type, int page, int size) {
        return history(tenant, user, HistoryFilter.of(type), page, size);
    }

    /** The ledger, newest first; {@code user} and each part of {@code filter} narrow it when given. */
    public Page<Entry> history(TenantId tenant, UserId user, HistoryFilter filter, int page, int size) {
        if (page < 0 || size < 1 || size > RowQuery.MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page >= 0 and 1 <= size <= " + RowQuery.MAX_PAGE_SIZE);
        }
        return queries.entries(tenant, user, filter, page, size);
    }

    /** The features a user's entries name: what their history can be filtered by. */
    public List<String> features(TenantId tenant, UserId user) {
        return queries.features(tenant, user);
    }

    public List<Purchase> purchases(TenantId tenant) {
        return queries.purchases(tenant);
    }

    /**
     * Recomputes every balance of every tenant from the entries; a healthy ledger reports no drift. Each
     * drift is logged as an error and their number is kept for the {@code aicredits.reconciliation.drifts}
     * gauge, whoever asked (the schedule or an operator through the API).
     */
    public Reconciliation reconcile() {
        var result = metrics.reconciled(() -> reconciler.reconcile(null));
        result.drifts().forEach(drift -> log.error("ledger drift: {}", drift));
        return result;
    }

    public Reconciliation reconcile(TenantId tenant) {
        return reconciler.reconcile(tenant);
    }
}

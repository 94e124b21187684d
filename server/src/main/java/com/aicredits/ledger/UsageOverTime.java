package com.aicredits.ledger;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The ledger's usage over time and runways (SPEC part two, "Usage over time and runway"), reached through
 * {@link Ledger#overTime()}: not a bean of its own, so the ledger stays the module's one way in. Reads only; every
 * figure is exact to the last entry (the roll-ups plus the not-yet-folded tail).
 */
public final class UsageOverTime {

    private final UsageReports reports;
    private final UsageFolder folder;
    private final AccountTable table;

    UsageOverTime(UsageReports reports, UsageFolder folder, AccountTable table) {
        this.reports = reports;
        this.folder = folder;
        this.table = table;
    }

    /** Consumption over the query's days. */
    public Usage usage(TenantId tenant, UsageQuery query) {
        return reports.usage(tenant, query);
    }

    /**
     * The features the tenant has consumed with (a series' key: "" for none), by the day each was first used, then by
     * name: the order the charts colour features by, so that each keeps its colour on every chart of the tenant.
     */
    public List<String> featureOrder(TenantId tenant) {
        return reports.featureOrder(tenant);
    }

    /** The tenant's runway and its users at risk, soonest first, at most {@code limit}. */
    public Forecast forecast(TenantId tenant, int limit) {
        return reports.forecast(tenant, null, limit);
    }

    /** One user's own runway (no tenant figures), whether or not they are at risk. */
    public Forecast forecast(TenantId tenant, UserId user) {
        return reports.forecast(tenant, user, 1);
    }

    /** The tenant's total available credits at the pace of the last 14 days. */
    public Runway tenantRunway(TenantId tenant) {
        return reports.tenantRunway(tenant);
    }

    /** The runway of each of these users: a page of the table. */
    public Map<UserId, Runway> runways(TenantId tenant, List<UserId> users) {
        return reports.runways(tenant, users);
    }

    /** A page of the table and its users' runways (the API's table: its runsOutOn and dailyBurn columns). */
    public TablePage table(TenantId tenant, RowQuery query) {
        var rows = table.rows(tenant, query, () -> reports.window(tenant));
        var runways = rows.runways().map(read -> reports.runways(read.zone(), read.users()))
                .orElseGet(() -> reports.runways(tenant, rows.page().items().stream().map(AccountRow::userId).toList()));
        return new TablePage(rows.page(), runways);
    }

    public record TablePage(Page<AccountRow> rows, Map<UserId, Runway> runways) {
    }

    /** Today in the tenant's time zone (the last day of a default usage range). */
    public LocalDate today(TenantId tenant) {
        return reports.today(tenant);
    }

    /**
     * Folds every finished consumption entry into the daily roll-ups now (the usage job does it every few seconds);
     * returns how many transactions it folded. Answers never depend on it: readers add the tail themselves.
     */
    public long fold() {
        return folder.foldAll(UsageFolder.BATCH_SIZE_DEFAULT);
    }
}

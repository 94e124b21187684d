package com.aicredits.ledger;

import com.aicredits.ledger.RowQuery.SortBy;
import com.aicredits.shared.TenantId;
import com.aicredits.storage.StandbyReads;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The per-user table's pages: search, role and state filters, every sort, the runway's among them. It joins the
 * directory's read view of people (V6__directory_people.sql) because search and sort by name and email must happen in
 * the same query as sort by balance, on tenants of 100,000 users.
 */
@Repository
class AccountTable {

    /** Only reads, the heaviest of the admin screens (and the exports): they may run on a standby ({@link StandbyReads}). */
    private final JdbcClient jdbc;

    AccountTable(StandbyReads standby) {
        this.jdbc = standby.jdbc();
    }

    /** runs_out_on (V18) of an account row joined to its pace (the CTE burn, UsageSql). */
    private static final String RUNS_OUT_ON = "runs_out_on(a.assigned - a.consumed - a.held, b.consumed, :today)";

    private static final Map<SortBy, String> ORDER = Map.of(
            SortBy.NAME, "lower(u.name) %s, u.id",
            SortBy.EMAIL, "lower(u.email) %s, u.id",
            SortBy.ROLE, "u.role %s, lower(u.name), u.id",
            SortBy.ASSIGNED, "a.assigned - a.assigned_before_opening %s, lower(u.name), u.id",
            SortBy.CONSUMED, "a.consumed - a.assigned_before_opening %s, lower(u.name), u.id",
            SortBy.REMAINING, "a.assigned - a.consumed %s, lower(u.name), u.id",
            SortBy.USED_PERCENT, "(a.consumed - a.assigned_before_opening)::numeric"
                    + " / nullif(a.assigned - a.assigned_before_opening, 0) %s nulls last, lower(u.name), u.id",
            SortBy.RUNS_OUT_ON, RUNS_OUT_ON + " %s nulls last, lower(u.name), u.id");


    /**
     * Active allocations only: a user whose allocation closed has left the table. Assigned and consumed are the
     * current allocation's (since it was last opened, V9__allocation_since_opening.sql), remaining the account's.
     */
    Page<AccountRow> rows(TenantId tenant, RowQuery query, Supplier<UsageReports.RunwayWindow> window) {
        var filter = TableFilter.of(jdbc, tenant, query, window);
        long total = jdbc.sql(filter.with() + "select count(*) from accounts a join people u on u.tenant_id = a.tenant_id and u.id = a.user_id"
                + filter.join() + filter.where()).params(filter.params()).query(Long.class).single();
        List<AccountRow> rows = jdbc.sql(pageSql(query, filter)).params(pageParams(query, filter))
                .query(LedgerQueries::row).list();
        return new Page<>(rows, query.page(), query.size(), total);
    }

    /** The plan PostgreSQL runs for one table page, with timings: for checking that large tenants stay fast. */
    String explainPage(TenantId tenant, RowQuery query, Supplier<UsageReports.RunwayWindow> window) {
        var filter = TableFilter.of(jdbc, tenant, query, window);
        return String.join("\n", jdbc.sql("explain (analyze, buffers) " + pageSql(query, filter))
                .params(pageParams(query, filter)).query(String.class).list());
    }

    private static String pageSql(RowQuery query, TableFilter filter) {
        String order = ORDER.get(query.sortBy()).formatted(query.descending() ? "desc" : "asc");
        return filter.with() + LedgerQueries.ROW_COLUMNS + filter.join() + filter.where() + " order by " + order + " limit :limit offset :offset";
    }

    private static Map<String, Object> pageParams(RowQuery query, TableFilter filter) {
        var params = new HashMap<>(filter.params());
        params.put("limit", query.size());
        params.put("offset", (long) query.page() * query.size());
        return params;
    }

    /**
     * The WHERE clause of the table's search and filters, with its parameters; and, only when the runway is sorted or
     * filtered on, every user's pace of the last 14 days (a WITH prefix and a join of it as b).
     */
    private record TableFilter(String with, String join, String where, Map<String, Object> params) {

        static TableFilter of(JdbcClient jdbc, TenantId tenant, RowQuery query, Supplier<UsageReports.RunwayWindow> window) {
            var where = new StringBuilder(" where a.tenant_id = :tenant and a.active");
            var params = new HashMap<String, Object>();
            params.put("tenant", tenant.value());
            String with = "";
            String join = "";
            if (query.sortBy() == SortBy.RUNS_OUT_ON || query.state() == RowQuery.UserState.RUNS_OUT_SOON) {
                var w = window.get();
                with = UsageSql.burn("") + "\n";
                join = " left join burn b on b.user_id = a.user_id";
                params.putAll(UsageSql.window(jdbc, w.zone(), w.since()));
                params.put("today", w.today());
                params.put("soon", w.today().plusDays(RowQuery.RUNS_OUT_SOON_DAYS));
            }
            if (query.search() != null && !query.search().isBlank()) {
                // users.search_text is lower(name) || ' ' || lower(email); the trigram index covers it.
                where.append(" and u.search_text like :search escape '\\'");
                params.put("search", "%" + likeEscaped(query.search().strip().toLowerCase()) + "%");
            }
            if (query.role() != null) {
                where.append(" and u.role = :role");
                params.put("role", query.role().name());
            }
            if (query.state() != null) {
                where.append(switch (query.state()) {
                    case LOW -> " and a.assigned - a.consumed > 0"
                            + " and (a.assigned - a.consumed) * 5 <= a.assigned - a.assigned_before_opening";
                    case EXHAUSTED -> " and a.assigned - a.consumed <= 0";
                    case NEGATIVE -> " and a.assigned - a.consumed < 0";
                    case RUNS_OUT_SOON -> " and " + RUNS_OUT_ON + " <= :soon";
                });
            }
            return new TableFilter(with, join, where.toString(), Map.copyOf(params));
        }
    }

    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}

package com.aicredits.ledger;

import com.aicredits.ledger.RowQuery.SortBy;
import com.aicredits.shared.TenantId;
import com.aicredits.storage.StandbyReads;
import java.util.HashMap;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
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

    private static final Map<SortBy, String> ORDER = Map.of(
            SortBy.NAME, "lower(u.name) %s, u.id",
            SortBy.EMAIL, "lower(u.email) %s, u.id",
            SortBy.ROLE, "u.role %s, lower(u.name), u.id",
            SortBy.ASSIGNED, "a.assigned - a.assigned_before_opening %s, lower(u.name), u.id",
            SortBy.CONSUMED, "a.consumed - a.assigned_before_opening %s, lower(u.name), u.id",
            SortBy.REMAINING, "a.assigned - a.consumed %s, lower(u.name), u.id",
            SortBy.USED_PERCENT, "(a.consumed - a.assigned_before_opening)::numeric"
                    + " / nullif(a.assigned - a.assigned_before_opening, 0) %s nulls last, lower(u.name), u.id",
            // never (null) last both ways; soonest first, the page reads only as far as lastRunwayDay
            SortBy.RUNS_OUT_ON, UsageSql.RUNS_OUT_ON.formatted("b") + " %s nulls last, lower(u.name), u.id");


    /**
     * Active allocations only: a user whose allocation closed has left the table. Assigned and consumed are the
     * current allocation's (since it was last opened, V9__allocation_since_opening.sql), remaining the account's.
     */
    Page<AccountRow> rows(TenantId tenant, RowQuery query, Supplier<UsageReports.RunwayWindow> window) {
        var filter = TableFilter.of(jdbc, tenant, query, window);
        // Sorting by runway needs no runways to count; only filtering on it does.
        boolean counted = query.state() == RowQuery.UserState.RUNS_OUT_SOON;
        long total = jdbc.sql((counted ? filter.with() : "")
                + "select count(*) from accounts a join people u on u.tenant_id = a.tenant_id and u.id = a.user_id"
                + (counted ? filter.join() : "") + filter.where()).params(filter.params()).query(Long.class).single();
        var until = lastRunwayDay(tenant, query);
        List<AccountRow> rows = page(query, filter, until);
        if (until.isPresent() && rows.size() < query.size()) {
            // Fewer rows up to that day than the page holds: the last page, or runways moved since the day was read.
            rows = page(query, filter, Optional.empty());
        }
        return new Page<>(rows, query.page(), query.size(), total);
    }

    /** The plan PostgreSQL runs for one table page, with timings: for checking that large tenants stay fast. */
    String explainPage(TenantId tenant, RowQuery query, Supplier<UsageReports.RunwayWindow> window) {
        var filter = TableFilter.of(jdbc, tenant, query, window);
        var until = lastRunwayDay(tenant, query);
        return String.join("\n", jdbc.sql("explain (analyze, buffers) " + pageSql(query, filter, until))
                .params(pageParams(query, filter, until)).query(String.class).list());
    }

    private List<AccountRow> page(RowQuery query, TableFilter filter, Optional<LocalDate> until) {
        return jdbc.sql(pageSql(query, filter, until)).params(pageParams(query, filter, until))
                .query(LedgerQueries::row).list();
    }

    /**
     * For the table sorted by runway, soonest first, with nothing else narrowing the rows: the runway day of the
     * (offset + limit)th user by the kept runways (V28), a day the page's rows end at or before, so that it reads
     * only the users up to that day through the index and sorts only the ties on it by name. Empty when there is no
     * such day: another order or a search (whose users may come later), or not that many users who run out.
     *
     * <p>The kept rows may be a moment or a day behind the runways the page reads, so the day is only a guess: the
     * runways up to it are a prefix of the order, and whenever that prefix holds the whole page (the page is full)
     * it is the page. A page that is not full is read again without the day ({@link #rows}).
     */
    private Optional<LocalDate> lastRunwayDay(TenantId tenant, RowQuery query) {
        boolean onlyByRunway = (query.search() == null || query.search().isBlank()) && query.role() == null
                && (query.state() == null || query.state() == RowQuery.UserState.RUNS_OUT_SOON);
        if (query.sortBy() != SortBy.RUNS_OUT_ON || query.descending() || !onlyByRunway) {
            return Optional.empty();
        }
        return jdbc.sql("""
                select nullif(lasts_until, 'infinity') from user_runways where tenant_id = ? and active
                 order by lasts_until offset ? limit 1
                """).params(tenant.value(), (long) (query.page() + 1) * query.size() - 1)
                .query((rs, n) -> Optional.ofNullable(rs.getObject(1, LocalDate.class))).optional()
                .flatMap(day -> day);
    }

    private static String pageSql(RowQuery query, TableFilter filter, Optional<LocalDate> until) {
        String order = ORDER.get(query.sortBy()).formatted(query.descending() ? "desc" : "asc");
        String where = filter.where() + (until.isPresent() ? " and b.lasts_until <= :until" : "");
        return filter.with() + LedgerQueries.ROW_COLUMNS + filter.join() + where + " order by " + order + " limit :limit offset :offset";
    }

    private static Map<String, Object> pageParams(RowQuery query, TableFilter filter, Optional<LocalDate> until) {
        var params = new HashMap<>(filter.params());
        until.ifPresent(day -> params.put("until", day));
        params.put("limit", query.size());
        params.put("offset", (long) query.page() * query.size());
        return params;
    }

    /**
     * The WHERE clause of the table's search and filters, with its parameters; and, only when the runway is sorted or
     * filtered on, every user's runway (UsageSql.runways: a WITH prefix and a join of it as b).
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
                with = UsageSql.runways("", UsageSql.runwaysKept(jdbc, tenant.value(), w.zone(), w.today())) + "\n";
                join = " join runway b on b.user_id = a.user_id";
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
                    case RUNS_OUT_SOON -> " and b.lasts_until <= :soon";
                });
            }
            return new TableFilter(with, join, where.toString(), Map.copyOf(params));
        }
    }

    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}

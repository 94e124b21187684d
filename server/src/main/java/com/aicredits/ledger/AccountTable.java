package com.aicredits.ledger;

import com.aicredits.ledger.RowQuery.SortBy;
import com.aicredits.shared.TenantId;
import com.aicredits.storage.StandbyReads;
import java.util.HashMap;
import java.time.LocalDate;
import java.time.ZoneId;
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
     * A page of the table and, when its statement computed them (the page sorted or filtered by runway), its users'
     * runways as of the same snapshot, in {@code zone}: a reader needs no second statement for the runway column.
     */
    record Rows(Page<AccountRow> page, Optional<Runways> runways) {
    }

    record Runways(ZoneId zone, List<UsageStore.UserRow> users) {
    }

    /**
     * Active allocations only: a user whose allocation closed has left the table. Assigned and consumed are the
     * current allocation's (since it was last opened, V9__allocation_since_opening.sql), remaining the account's.
     */
    Rows rows(TenantId tenant, RowQuery query, Supplier<UsageReports.RunwayWindow> window) {
        var filter = TableFilter.of(jdbc, tenant, query, window);
        long total = count(tenant, query, filter);
        var until = lastRunwayDay(tenant, query);
        List<Line> firstRead = page(query, filter, until);
        // Fewer rows up to that day than the page holds: the last page, or runways moved since the day was read.
        List<Line> lines = until.isPresent() && firstRead.size() < query.size()
                ? page(query, filter, Optional.empty())
                : firstRead;
        var page = new Page<>(lines.stream().map(Line::row).toList(), query.page(), query.size(), total);
        return new Rows(page, filter.zone().map(zone -> new Runways(zone, lines.stream().map(Line::runway).toList())));
    }

    /** A row of the page, with its user's runway when the page's statement computed it. */
    private record Line(AccountRow row, UsageStore.UserRow runway) {
    }

    /**
     * How many rows the table has with these filters. Without any, the active accounts the summary cards keep
     * (tenant_totals, V4; reconciled), not a count of 100,000 rows joined with their people on every page.
     */
    private long count(TenantId tenant, RowQuery query, TableFilter filter) {
        boolean searched = query.search() != null && !query.search().isBlank();
        if (!searched && query.role() == null && query.state() == null) {
            return jdbc.sql("select coalesce(sum(active_accounts), 0) from tenant_totals where tenant_id = ?")
                    .param(tenant.value()).query(Long.class).single();
        }
        // Sorting by runway needs no runways to count; only filtering on it does.
        boolean byRunway = query.state() == RowQuery.UserState.RUNS_OUT_SOON;
        return jdbc.sql((byRunway ? filter.with() : "")
                + "select count(*) from accounts a join people u on u.tenant_id = a.tenant_id and u.id = a.user_id"
                + (byRunway ? filter.join() : "") + filter.where()).params(filter.params()).query(Long.class).single();
    }

    /** The plan PostgreSQL runs for one table page, with timings: for checking that large tenants stay fast. */
    String explainPage(TenantId tenant, RowQuery query, Supplier<UsageReports.RunwayWindow> window) {
        var filter = TableFilter.of(jdbc, tenant, query, window);
        var until = lastRunwayDay(tenant, query);
        return String.join("\n", jdbc.sql("explain (analyze, buffers) " + pageSql(query, filter, until))
                .params(pageParams(query, filter, until)).query(String.class).list());
    }

    private List<Line> page(RowQuery query, TableFilter filter, Optional<LastDay> until) {
        boolean withRunways = filter.zone().isPresent();
        return jdbc.sql(pageSql(query, filter, until)).params(pageParams(query, filter, until))
                .query((rs, n) -> {
                    var row = LedgerQueries.row(rs, n);
                    return new Line(row, !withRunways ? null : new UsageStore.UserRow(row.userId(), null,
                            rs.getLong("runway_available"), rs.getLong("runway_paced"),
                            rs.getObject("runs_out_on", LocalDate.class),
                            row.allowance().map(terms -> terms.period().name()).orElse(null)));
                }).list();
    }

    /**
     * The runway day of a page's last user by the kept runways, and whether to find the users tied on it by walking
     * the names in order ({@code walkTies}: when so many tie that a walk finds the page's ones sooner than a sort
     * of them all would, as when most users never run out) or by sorting them.
     */
    private record LastDay(LocalDate day, boolean walkTies) {
    }

    /**
     * For the table sorted by runway, soonest first, with nothing else narrowing the rows: the runway day of the
     * (offset + limit)th user by the kept runways (V28), a day the page's rows end at or before, so that it reads
     * only the users up to that day through the index and the first ties on it by name (pageSql). Empty when there is
     * no such day: another order or a search (whose users may come later), or fewer users.
     *
     * <p>The kept rows may be a moment or a day behind the runways the page reads, so the day is only a guess: the
     * runways up to it are a prefix of the order, and whenever that prefix holds the whole page (the page is full)
     * it is the page. A page that is not full is read again without the day ({@link #rows}).
     */
    private Optional<LastDay> lastRunwayDay(TenantId tenant, RowQuery query) {
        boolean onlyByRunway = (query.search() == null || query.search().isBlank()) && query.role() == null
                && (query.state() == null || query.state() == RowQuery.UserState.RUNS_OUT_SOON);
        if (query.sortBy() != SortBy.RUNS_OUT_ON || query.descending() || !onlyByRunway) {
            return Optional.empty();
        }
        long reach = (long) (query.page() + 1) * query.size();
        return jdbc.sql("""
                with d as (
                    select lasts_until from user_runways where tenant_id = :tenant and active
                     order by lasts_until offset :reach - 1 limit 1
                )
                , users as (
                    select coalesce(sum(active_accounts), 0) as n from tenant_totals where tenant_id = :tenant
                )
                select d.lasts_until,
                       (select count(*) from (
                           select 1 from user_runways r
                            where r.tenant_id = :tenant and r.active and r.lasts_until = d.lasts_until
                            limit (select ceil(sqrt(:reach * n)) from users)) ties),
                       (select n from users)
                  from d
                """).param("tenant", tenant.value()).param("reach", reach)
                // A walk looks up about reach × users / ties runways; a sort sorts the ties: walk when ties² ≥ reach ×
                // users. The ties are counted only up to √(reach × users), where the answer is known: when most users
                // never run out, a count of them all was most of a page's time. The users are the active accounts the
                // summary keeps (as count() reads them), not a count of every kept row.
                .query((rs, n) -> new LastDay(rs.getObject(1, LocalDate.class),
                        (double) rs.getLong(2) * rs.getLong(2) >= (double) reach * rs.getLong(3)))
                .optional();
    }

    private static String pageSql(RowQuery query, TableFilter filter, Optional<LastDay> until) {
        String order = " order by " + ORDER.get(query.sortBy()).formatted(query.descending() ? "desc" : "asc")
                + " limit :limit offset :offset";
        String columns = filter.zone().isEmpty() ? LedgerQueries.ROW_COLUMNS
                : LedgerQueries.ROW_COLUMNS.replaceFirst("select ", "select b.available as runway_available, "
                        + "b.consumed as runway_paced, " + UsageSql.RUNS_OUT_ON.formatted("b") + " as runs_out_on, ");
        if (until.isEmpty()) {
            return filter.with() + columns + filter.join() + filter.where() + order;
        }
        if (!until.get().walkTies()) {
            return filter.with() + columns + filter.join() + filter.where() + " and b.lasts_until <= :until" + order;
        }
        // The users who run out before that day (fewer than the page's reach), and the first of those who run out on
        // it by name: the name index walked in order, each user's runway looked up (offset 0 fences the lookup so
        // that the planner keeps the walk) until the reach is found.
        return filter.with() + """
                , bounded as materialized (
                    select b.user_id, b.available, b.consumed, b.lasts_until from runway b where b.lasts_until < :until
                    union all
                    (select u.id, tie.available, tie.consumed, cast(:until as date) from people u
                      cross join lateral (
                          select b.available, b.consumed from runway b
                           where b.user_id = u.id and b.lasts_until = :until offset 0) tie
                      where u.tenant_id = :tenant
                      order by lower(u.name), u.id limit :limit + :offset)
                )
                """ + columns + " join bounded b on b.user_id = a.user_id" + filter.where() + order;
    }

    private static Map<String, Object> pageParams(RowQuery query, TableFilter filter, Optional<LastDay> until) {
        var params = new HashMap<>(filter.params());
        until.ifPresent(last -> params.put("until", last.day()));
        params.put("limit", query.size());
        params.put("offset", (long) query.page() * query.size());
        return params;
    }

    /**
     * The WHERE clause of the table's search and filters, with its parameters; and, only when the runway is sorted or
     * filtered on, every user's runway (UsageSql.runways: a WITH prefix and a join of it as b).
     */
    private record TableFilter(String with, String join, String where, Map<String, Object> params, Optional<ZoneId> zone) {

        static TableFilter of(JdbcClient jdbc, TenantId tenant, RowQuery query, Supplier<UsageReports.RunwayWindow> window) {
            var where = new StringBuilder(" where a.tenant_id = :tenant and a.active");
            var params = new HashMap<String, Object>();
            params.put("tenant", tenant.value());
            String with = "";
            String join = "";
            Optional<ZoneId> zone = Optional.empty();
            if (query.sortBy() == SortBy.RUNS_OUT_ON || query.state() == RowQuery.UserState.RUNS_OUT_SOON) {
                var w = window.get();
                zone = Optional.of(w.zone());
                var pace = UsageSql.paceWindow(jdbc, tenant.value(), w.zone(), w.today());
                with = UsageSql.runways("", pace.runwaysKept()) + "\n";
                join = " join runway b on b.user_id = a.user_id";
                params.putAll(pace.params());
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
            return new TableFilter(with, join, where.toString(), Map.copyOf(params), zone);
        }
    }

    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}

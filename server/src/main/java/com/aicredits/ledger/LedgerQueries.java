package com.aicredits.ledger;

import com.aicredits.directory.Role;
import com.aicredits.ledger.RowQuery.SortBy;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The read side: summary cards, the per-user table, balances and history. Every query is keyed by tenant
 * first. The table joins the directory's read view of people (V6__directory_people.sql) because search and
 * sort by name and email must happen in the same query as sort by balance, on tenants of 100,000 users.
 */
@Repository
class LedgerQueries {

    private final JdbcClient jdbc;

    LedgerQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Utilized, users with credits and users come from the tenant's running totals (128 slot rows kept by
     * triggers, see V4__tenant_totals.sql), not from scanning its accounts and users, and not from the pool
     * row, which every charge would then contend on.
     */
    Optional<Summary> summary(TenantId tenant) {
        return jdbc.sql("""
                select p.purchased, p.assigned, t.consumed, t.with_credits, t.users
                  from pools p
                 cross join (select coalesce(sum(consumed), 0) as consumed, coalesce(sum(active_accounts), 0) as with_credits,
                                    coalesce(sum(active_users), 0) as users
                               from tenant_totals where tenant_id = ?) t
                 where p.tenant_id = ?
                """)
                .params(tenant.value(), tenant.value())
                .query((rs, n) -> {
                    var purchased = new Credits(rs.getLong("purchased"));
                    var utilized = new Credits(rs.getLong("consumed"));
                    var available = purchased.minus(utilized);
                    return new Summary(purchased, utilized, utilized.percentOf(purchased), available,
                            available.percentOf(purchased), rs.getLong("with_credits"), rs.getLong("users"),
                            purchased.minus(new Credits(rs.getLong("assigned"))));
                })
                .optional();
    }

    Optional<Credits> unassigned(TenantId tenant) {
        return jdbc.sql("select purchased - assigned from pools where tenant_id = ?").param(tenant.value())
                .query((rs, n) -> new Credits(rs.getLong(1))).optional();
    }

    private static final String ROW_COLUMNS = """
            select u.id, u.name, u.email, u.role, u.active as user_active,
                   a.assigned - a.assigned_before_opening as assigned, a.consumed - a.assigned_before_opening as consumed,
                   a.held, a.active,
                   credits_removable(a.assigned, a.consumed, a.held) as removable,
                   al.credits as allowance_credits, al.period as allowance_period, al.mode as allowance_mode
              from accounts a
              join people u on u.tenant_id = a.tenant_id and u.id = a.user_id
              left join allowances al on al.tenant_id = a.tenant_id and al.user_id = a.user_id
            """;

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
        var filter = TableFilter.of(tenant, query, window);
        long total = jdbc.sql(filter.with() + "select count(*) from accounts a join people u on u.tenant_id = a.tenant_id and u.id = a.user_id"
                + filter.join() + filter.where()).params(filter.params()).query(Long.class).single();
        List<AccountRow> rows = jdbc.sql(pageSql(query, filter)).params(pageParams(query, filter))
                .query(LedgerQueries::row).list();
        return new Page<>(rows, query.page(), query.size(), total);
    }

    /** The plan PostgreSQL runs for one table page, with timings: for checking that large tenants stay fast. */
    String explainPage(TenantId tenant, RowQuery query, Supplier<UsageReports.RunwayWindow> window) {
        var filter = TableFilter.of(tenant, query, window);
        return String.join("\n", jdbc.sql("explain (analyze, buffers) " + pageSql(query, filter))
                .params(pageParams(query, filter)).query(String.class).list());
    }

    private static String pageSql(RowQuery query, TableFilter filter) {
        String order = ORDER.get(query.sortBy()).formatted(query.descending() ? "desc" : "asc");
        return filter.with() + ROW_COLUMNS + filter.join() + filter.where() + " order by " + order + " limit :limit offset :offset";
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

        static TableFilter of(TenantId tenant, RowQuery query, Supplier<UsageReports.RunwayWindow> window) {
            var where = new StringBuilder(" where a.tenant_id = :tenant and a.active");
            var params = new HashMap<String, Object>();
            params.put("tenant", tenant.value());
            String with = "";
            String join = "";
            if (query.sortBy() == SortBy.RUNS_OUT_ON || query.state() == RowQuery.UserState.RUNS_OUT_SOON) {
                var w = window.get();
                with = UsageSql.burn("") + "\n";
                join = " left join burn b on b.user_id = a.user_id";
                params.put("zone", w.zone().getId());
                params.put("today", w.today());
                params.put("since", w.since());
                params.put("sinceAt", java.sql.Timestamp.from(w.since().atStartOfDay(w.zone()).toInstant()));
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

    /** The user's row whether or not the allocation is active (a removal that closed it still answers). */
    Optional<AccountRow> row(TenantId tenant, UserId user) {
        return jdbc.sql(ROW_COLUMNS + " where a.tenant_id = ? and a.user_id = ?")
                .params(tenant.value(), user.value()).query(LedgerQueries::row).optional();
    }

    /**
     * A user's row as it stood right after {@code entry} (an assign, add or remove): the answer the operation that
     * wrote it gave. A retry whose stored answer was lost (the instance died between the commit and storing the
     * response) gets these figures again, not the balance as it is now. The allowance is the one standing now:
     * allowances keep no history of their terms.
     */
    Optional<AccountRow> rowAfter(TenantId tenant, Entry entry) {
        return jdbc.sql("""
                select u.id, u.name, u.email, u.role, u.active as user_active,
                       e.assigned - e.before_opening as assigned, e.assigned - :remaining - e.before_opening as consumed,
                       :held as held, :active as active,
                       credits_removable(e.assigned, e.assigned - :remaining, cast(:held as bigint)) as removable,
                       al.credits as allowance_credits, al.period as allowance_period, al.mode as allowance_mode
                  from people u
                  left join allowances al on al.tenant_id = u.tenant_id and al.user_id = u.id
                 cross join (
                       -- lifetime assigned at the entry, and what had been assigned when the allocation was last
                       -- opened (by an ASSIGN, or a grant that opened it) at or before it: the same figures
                       -- accounts keeps (V9)
                       select coalesce(sum(assigned_delta), 0)::bigint as assigned,
                              coalesce(sum(assigned_delta) filter (where id < o.opened), 0)::bigint as before_opening
                         from ledger_entries,
                              (select coalesce(max(id), 0) as opened from ledger_entries
                                where tenant_id = :tenant and user_id = :user and (type = 'ASSIGN' or opens_allocation)
                                  and id <= :entry) o
                        where tenant_id = :tenant and user_id = :user and id <= :entry) e
                 where u.tenant_id = :tenant and u.id = :user
                """)
                .param("tenant", tenant.value()).param("user", entry.userId().value()).param("entry", entry.id())
                .param("remaining", entry.remainingAfter().thousandths())
                .param("held", entry.heldAfter().thousandths())
                // Only an end closes an allocation, or a remove that takes remaining to zero.
                .param("active", entry.type() != EntryType.END
                        && (entry.type() != EntryType.REMOVE || !entry.remainingAfter().equals(Credits.ZERO)))
                .query(LedgerQueries::row).optional();
    }

    /**
     * A registered user's balance, from account_standing: canStart is true exactly when authorize would admit
     * a request now (the same admission_refusal the authorize statement applies). Empty for an unknown user.
     */
    Optional<Balance> balance(TenantId tenant, UserId user) {
        return jdbc.sql("""
                select assigned, consumed, remaining, held, available, allocated, refusal
                  from account_standing where tenant_id = ? and user_id = ?
                """)
                .params(tenant.value(), user.value())
                .query((rs, n) -> new Balance(new Credits(rs.getLong("assigned")), new Credits(rs.getLong("consumed")),
                        new Credits(rs.getLong("remaining")), new Credits(rs.getLong("held")),
                        new Credits(rs.getLong("available")), rs.getBoolean("allocated"), rs.getString("refusal") == null))
                .optional();
    }

    List<AssignableUser> assignable(TenantId tenant) {
        return jdbc.sql("""
                select u.id, u.name, u.email from people u
                 where u.tenant_id = ? and u.active
                   and not exists (select 1 from accounts a where a.tenant_id = u.tenant_id and a.user_id = u.id and a.active)
                 order by lower(u.name), u.id
                """)
                .param(tenant.value())
                .query((rs, n) -> new AssignableUser(new UserId(rs.getObject(1, UUID.class)), rs.getString(2), rs.getString(3)))
                .list();
    }

    static final String SELECT_ENTRY = """
            select id, public_id, type, user_id, credits, remaining_before, remaining_after, held_after, unassigned_before,
                   unassigned_after, note, actor, reference, feature, request_id, idempotency_key, at
              from ledger_entries
            """;

    /** Newest first. {@code user} and every part of {@code filter} are optional. */
    Page<Entry> entries(TenantId tenant, UserId user, HistoryFilter filter, int page, int size) {
        var where = new StringBuilder(" where tenant_id = :tenant");
        var params = new HashMap<String, Object>();
        params.put("tenant", tenant.value());
        if (user != null) {
            where.append(" and user_id = :user");
            params.put("user", user.value());
        }
        if (filter.type() != null) {
            where.append(" and type = :type");
            params.put("type", filter.type().name());
        }
        if (filter.feature() != null) {
            where.append(" and feature = :feature");
            params.put("feature", filter.feature());
        }
        if (filter.from() != null) {
            where.append(" and at >= :fromAt");
            params.put("fromAt", java.sql.Timestamp.from(filter.fromAt()));
        }
        if (filter.to() != null) {
            where.append(" and at < :untilAt");
            params.put("untilAt", java.sql.Timestamp.from(filter.untilAt()));
        }
        long total = jdbc.sql("select count(*) from ledger_entries" + where).params(params).query(Long.class).single();
        params.put("limit", size);
        params.put("offset", (long) page * size);
        var items = jdbc.sql(SELECT_ENTRY + where + " order by id desc limit :limit offset :offset")
                .params(params).query(LedgerQueries::entry).list();
        return new Page<>(items, page, size, total);
    }

    /** The features a user's entries name, alphabetically: the history page's feature filter. */
    List<String> features(TenantId tenant, UserId user) {
        return jdbc.sql("""
                select distinct feature from ledger_entries
                 where tenant_id = ? and user_id = ? and feature is not null order by feature
                """).params(tenant.value(), user.value()).query(String.class).list();
    }

    List<Purchase> purchases(TenantId tenant) {
        return jdbc.sql(SELECT_ENTRY + " where tenant_id = ? and type = 'PURCHASE' order by id desc")
                .param(tenant.value()).query(LedgerQueries::entry).list()
                .stream().map(LedgerQueries::purchase).toList();
    }

    static Purchase purchase(Entry e) {
        return new Purchase(e.publicId(), e.credits(), e.reference(), e.note(), e.actor(), e.at());
    }

    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static AccountRow row(ResultSet rs, int n) throws SQLException {
        var assigned = new Credits(rs.getLong("assigned"));
        var consumed = new Credits(rs.getLong("consumed"));
        return new AccountRow(new UserId(rs.getObject("id", UUID.class)), rs.getString("name"), rs.getString("email"),
                Role.valueOf(rs.getString("role")), assigned, consumed, assigned.minus(consumed),
                new Credits(rs.getLong("held")), new Credits(rs.getLong("removable")), consumed.percentOf(assigned),
                rs.getBoolean("active"), rs.getBoolean("user_active"), allowance(rs));
    }

    private static Optional<AllowanceTerms> allowance(ResultSet rs) throws SQLException {
        Long credits = rs.getObject("allowance_credits", Long.class);
        return credits == null ? Optional.empty() : Optional.of(new AllowanceTerms(new Credits(credits),
                Period.valueOf(rs.getString("allowance_period")), AllowanceMode.valueOf(rs.getString("allowance_mode"))));
    }

    static Entry entry(ResultSet rs, int n) throws SQLException {
        UUID user = rs.getObject("user_id", UUID.class);
        return new Entry(rs.getLong("id"), rs.getObject("public_id", UUID.class), EntryType.valueOf(rs.getString("type")), user == null ? null : new UserId(user),
                new Credits(rs.getLong("credits")), credits(rs, "remaining_before"), credits(rs, "remaining_after"),
                credits(rs, "held_after"), credits(rs, "unassigned_before"), credits(rs, "unassigned_after"),
                rs.getString("note"), rs.getString("actor"), rs.getString("reference"), rs.getString("feature"),
                rs.getString("request_id"), rs.getString("idempotency_key"), RequestStore.instant(rs, "at"));
    }

    private static Credits credits(ResultSet rs, String column) throws SQLException {
        Long value = rs.getObject(column, Long.class);
        return value == null ? null : new Credits(value);
    }
}

package com.aicredits.ledger;

import static com.aicredits.shared.SqlTime.instant;

import com.aicredits.directory.Role;
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
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The read side: summary cards, one user's row, balances and history; the table's pages are {@link AccountTable}.
 * Every query is keyed by tenant first.
 */
@Repository
class LedgerQueries {

    private final JdbcClient jdbc;

    LedgerQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The summary's statement; its three parameters are the tenant. */
    static final String SUMMARY = """
            select p.purchased, p.assigned, t.consumed, t.with_credits, t.users,
                   (select count(*) from people u
                      join accounts a on a.tenant_id = u.tenant_id and a.user_id = u.id
                     where u.tenant_id = ? and not u.active and a.active) as deactivated_with_credits
              from pools p
             cross join (select coalesce(sum(consumed), 0) as consumed, coalesce(sum(active_accounts), 0) as with_credits,
                                coalesce(sum(active_users), 0) as users
                           from tenant_totals where tenant_id = ?) t
             where p.tenant_id = ?
            """;

    /**
     * Utilized, users with credits and users come from the tenant's running totals (128 slot rows kept by
     * triggers, see V4__tenant_totals.sql and V32__totals_without_waits.sql), not from scanning its accounts and
     * users, and not from the pool row, which every charge would then contend on. The deactivated people whose
     * allocation is still open are counted from the directory's few inactive people (the partial index
     * users_inactive, V31), not its many.
     */
    Optional<Summary> summary(TenantId tenant) {
        return jdbc.sql(SUMMARY)
                .params(tenant.value(), tenant.value(), tenant.value())
                .query((rs, n) -> {
                    var purchased = new Credits(rs.getLong("purchased"));
                    var utilized = new Credits(rs.getLong("consumed"));
                    var available = purchased.minus(utilized);
                    return new Summary(purchased, utilized, utilized.percentOf(purchased), available,
                            available.percentOf(purchased), rs.getLong("with_credits"),
                            rs.getLong("with_credits") - rs.getLong("deactivated_with_credits"), rs.getLong("users"),
                            purchased.minus(new Credits(rs.getLong("assigned"))));
                })
                .optional();
    }

    Optional<Credits> unassigned(TenantId tenant) {
        return jdbc.sql("select purchased - assigned from pools where tenant_id = ?").param(tenant.value())
                .query((rs, n) -> new Credits(rs.getLong(1))).optional();
    }

    static final String ROW_COLUMNS = """
            select u.id, u.name, u.email, u.role, u.active as user_active,
                   a.assigned - a.assigned_before_opening as assigned, a.consumed - a.assigned_before_opening as consumed,
                   a.held, a.active,
                   credits_removable(a.assigned, a.consumed, a.held) as removable,
                   al.credits as allowance_credits, al.period as allowance_period, al.mode as allowance_mode
              from accounts a
              join people u on u.tenant_id = a.tenant_id and u.id = a.user_id
              left join allowances al on al.tenant_id = a.tenant_id and al.user_id = a.user_id
            """;

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
                with at_entry as (select user_seq as seq from ledger_entries where tenant_id = :tenant and id = :entry)
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
                              coalesce(sum(assigned_delta) filter (where user_seq < o.opened), 0)::bigint as before_opening
                         from ledger_entries, at_entry,
                              (select coalesce(max(user_seq), 0) as opened from ledger_entries, at_entry
                                where tenant_id = :tenant and user_id = :user and (type = 'ASSIGN' or opens_allocation)
                                  and user_seq <= at_entry.seq) o
                        where tenant_id = :tenant and user_id = :user and user_seq <= at_entry.seq) e
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
        // A user's entries in the order they were applied to the account; a tenant's all in the order of their ids.
        String order = user != null ? " order by user_seq desc" : " order by id desc";
        var items = jdbc.sql(SELECT_ENTRY + where + order + " limit :limit offset :offset")
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
        return jdbc.sql(SELECT_ENTRY + " where tenant_id = ? and type = 'PURCHASE' order by pool_seq desc")
                .param(tenant.value()).query(LedgerQueries::entry).list()
                .stream().map(LedgerQueries::purchase).toList();
    }

    static Purchase purchase(Entry e) {
        return new Purchase(e.publicId(), e.credits(), e.reference(), e.note(), e.actor(), e.at());
    }

    static AccountRow row(ResultSet rs, int n) throws SQLException {
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
                rs.getString("request_id"), rs.getString("idempotency_key"), instant(rs, "at"));
    }

    private static Credits credits(ResultSet rs, String column) throws SQLException {
        Long value = rs.getObject(column, Long.class);
        return value == null ? null : new Credits(value);
    }
}

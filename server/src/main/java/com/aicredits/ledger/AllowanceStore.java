package com.aicredits.ledger;

import static com.aicredits.shared.SqlTime.at;
import static com.aicredits.shared.SqlTime.instant;

import com.aicredits.shared.Credits;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import com.aicredits.ledger.Allowance.Grant;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for allowances and their grants (V12). Every statement is keyed by tenant first. */
@Repository
class AllowanceStore {

    private final JdbcClient jdbc;

    AllowanceStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A user due a grant: their allowance's terms. */
    record Due(UserId user, AllowanceTerms terms) {
    }

    void save(TenantId tenant, UserId user, AllowanceTerms terms, String note, Actor setBy, Instant now) {
        jdbc.sql("""
                insert into allowances (tenant_id, user_id, credits, period, mode, note, set_by, set_at)
                values (:tenant, :user, :credits, :period, :mode, :note, :by, :now)
                on conflict (tenant_id, user_id) do update
                   set credits = excluded.credits, period = excluded.period, mode = excluded.mode,
                       note = excluded.note, set_by = excluded.set_by, set_at = excluded.set_at
                """)
                .param("tenant", tenant.value()).param("user", user.value())
                .param("credits", terms.credits().thousandths()).param("period", terms.period().name())
                .param("mode", terms.mode().name()).param("note", note, Types.VARCHAR).param("by", setBy.name())
                .param("now", at(now)).update();
    }

    boolean delete(TenantId tenant, UserId user) {
        return jdbc.sql("delete from allowances where tenant_id = ? and user_id = ?")
                .params(tenant.value(), user.value()).update() == 1;
    }

    /** With the latest grant of the allowance's period kind (a later period always starts on a later day). */
    private static final String SELECT = """
            select a.user_id, a.credits, a.period, a.mode, a.note, a.set_by, a.set_at,
                   g.period as g_period, g.period_start, g.time_zone, g.due, g.granted, g.shortfall, g.returned, g.at as g_at
              from allowances a
              left join lateral (
                    select * from allowance_grants g
                     where g.tenant_id = a.tenant_id and g.user_id = a.user_id and g.period = a.period
                     order by g.period_start desc limit 1) g on true
            """;

    Optional<Allowance> allowance(TenantId tenant, UserId user) {
        return jdbc.sql(SELECT + " where a.tenant_id = ? and a.user_id = ?").params(tenant.value(), user.value())
                .query(AllowanceStore::allowance).optional();
    }

    List<Allowance> allowances(TenantId tenant) {
        return jdbc.sql(SELECT + " where a.tenant_id = ? order by a.user_id").param(tenant.value())
                .query(AllowanceStore::allowance).list();
    }

    /**
     * Up to {@code limit} active users of the tenant, after {@code after} in user id order, whose allowance has no
     * grant yet for the period running now. Keyset order keeps each batch an index range, however many users.
     */
    List<Due> due(TenantId tenant, CurrentPeriods periods, UserId after, int limit) {
        return jdbc.sql("""
                select a.user_id, a.credits, a.period, a.mode
                  from allowances a
                  join people u on u.tenant_id = a.tenant_id and u.id = a.user_id
                 where a.tenant_id = :tenant and a.user_id > :after and u.active
                   and not exists (select 1 from allowance_grants g
                                    where g.tenant_id = a.tenant_id and g.user_id = a.user_id and g.period = a.period
                                      and g.period_start = case a.period when 'MONTHLY' then :month else :week end)
                 order by a.user_id
                 limit :limit
                """)
                .param("tenant", tenant.value()).param("after", after == null ? new UUID(0, 0) : after.value())
                .param("month", periods.monthly().start()).param("week", periods.weekly().start())
                .param("limit", limit)
                .query((rs, n) -> new Due(new UserId(rs.getObject("user_id", UUID.class)), terms(rs))).list();
    }

    /** The tenants with at least one allowance: the ones the period job visits. */
    List<TenantId> tenants() {
        return jdbc.sql("select distinct tenant_id from allowances").query((rs, n) -> new TenantId(rs.getObject(1, UUID.class))).list();
    }

    /**
     * Claims the user's grant for the period: false when it exists already (granted before, on this instance or
     * another). The row's primary key is the exactly-once guarantee; the caller fills in the figures in the same
     * transaction.
     */
    boolean claim(TenantId tenant, UserId user, PeriodStart period, AllowanceMode mode, Instant now) {
        return jdbc.sql("""
                insert into allowance_grants (tenant_id, user_id, period, period_start, mode, due, granted, shortfall,
                                              time_zone, at)
                values (:tenant, :user, :period, :start, :mode, 0, 0, 0, :zone, :now)
                on conflict do nothing
                """)
                .param("tenant", tenant.value()).param("user", user.value()).param("period", period.period().name())
                .param("start", period.start()).param("mode", mode.name()).param("zone", period.zone().getId())
                .param("now", at(now)).update() == 1;
    }

    void record(TenantId tenant, UserId user, PeriodStart period, Credits due, Credits granted, Credits returned,
            Instant now) {
        jdbc.sql("""
                update allowance_grants
                   set due = :due, granted = :granted, shortfall = :due - :granted, returned = :returned,
                       completed_at = case when :due = :granted then cast(:now as timestamptz) end
                 where tenant_id = :tenant and user_id = :user and period = :period and period_start = :start
                """)
                .param("tenant", tenant.value()).param("user", user.value()).param("period", period.period().name())
                .param("start", period.start()).param("due", due.thousandths()).param("granted", granted.thousandths())
                .param("returned", returned.thousandths()).param("now", at(now)).update();
    }

    /** The short grants of the current periods whose allowance still stands, oldest first. */
    List<Due> shortGrants(TenantId tenant, CurrentPeriods periods) {
        return jdbc.sql("""
                select g.user_id, g.shortfall as credits, g.period, g.mode
                  from allowance_grants g
                  join allowances a on a.tenant_id = g.tenant_id and a.user_id = g.user_id and a.period = g.period
                  join people u on u.tenant_id = g.tenant_id and u.id = g.user_id
                 where g.tenant_id = :tenant and g.shortfall > 0 and u.active
                   and ((g.period = 'MONTHLY' and g.period_start = :month) or (g.period = 'WEEKLY' and g.period_start = :week))
                 order by g.at, g.user_id
                """)
                .param("tenant", tenant.value()).param("month", periods.monthly().start())
                .param("week", periods.weekly().start())
                .query((rs, n) -> new Due(new UserId(rs.getObject("user_id", UUID.class)), terms(rs))).list();
    }

    /** The shortfall left in the short grants that {@link #shortGrants} would complete: active users' only. */
    Credits shortfall(TenantId tenant, CurrentPeriods periods) {
        return new Credits(jdbc.sql("""
                select coalesce(sum(g.shortfall), 0)
                  from allowance_grants g
                  join allowances a on a.tenant_id = g.tenant_id and a.user_id = g.user_id and a.period = g.period
                  join people u on u.tenant_id = g.tenant_id and u.id = g.user_id
                 where g.tenant_id = :tenant and g.shortfall > 0 and u.active
                   and ((g.period = 'MONTHLY' and g.period_start = :month) or (g.period = 'WEEKLY' and g.period_start = :week))
                """)
                .param("tenant", tenant.value()).param("month", periods.monthly().start())
                .param("week", periods.weekly().start()).query(Long.class).single());
    }

    /** Moves {@code credits} of a grant's shortfall to granted; false if the shortfall is smaller (nothing changes). */
    boolean complete(TenantId tenant, UserId user, PeriodStart period, Credits credits, Instant now) {
        return jdbc.sql("""
                update allowance_grants
                   set granted = granted + :credits, shortfall = shortfall - :credits,
                       completed_at = case when shortfall = :credits then cast(:now as timestamptz) end
                 where tenant_id = :tenant and user_id = :user and period = :period and period_start = :start
                   and shortfall >= :credits
                """)
                .param("tenant", tenant.value()).param("user", user.value()).param("period", period.period().name())
                .param("start", period.start()).param("credits", credits.thousandths())
                .param("now", at(now)).update() == 1;
    }

    private static AllowanceTerms terms(ResultSet rs) throws SQLException {
        return new AllowanceTerms(new Credits(rs.getLong("credits")), Period.valueOf(rs.getString("period")),
                AllowanceMode.valueOf(rs.getString("mode")));
    }

    private static Allowance allowance(ResultSet rs, int n) throws SQLException {
        Optional<Grant> grant = Optional.empty();
        LocalDate start = rs.getObject("period_start", LocalDate.class);
        if (start != null) {
            grant = Optional.of(new Grant(new PeriodStart(Period.valueOf(rs.getString("g_period")), start,
                    ZoneId.of(rs.getString("time_zone"))), new Credits(rs.getLong("due")),
                    new Credits(rs.getLong("granted")), new Credits(rs.getLong("shortfall")),
                    new Credits(rs.getLong("returned")), instant(rs, "g_at")));
        }
        return new Allowance(new UserId(rs.getObject("user_id", UUID.class)), terms(rs), rs.getString("note"),
                rs.getString("set_by"), instant(rs, "set_at"), grant);
    }
}

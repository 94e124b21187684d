package com.aicredits.ledger;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for the alerts' once-per-crossing state (V22__alert_states.sql) and the figures they are checked on. */
@Repository
class AlertStore {

    private final JdbcClient jdbc;

    /**
     * {@link Alerts#lowThreshold} in SQL, the one rule for a percentage of an amount in thousandths: truncated as
     * Java's long division truncates, without overflow.
     */
    private static String percentOf(String amount, String percent) {
        return "((" + amount + " / 100) * " + percent + " + (" + amount + " % 100) * " + percent + " / 100)";
    }

    AlertStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A user's figures now; empty when the user never had an account. */
    record UserFigures(long assigned, long remaining, long held, boolean active) {
    }

    /** The tenant's pool: what was bought, what is not assigned, and what is not yet consumed. */
    record PoolFigures(long purchased, long unassigned, long available) {
    }

    /**
     * Records that the alert fired; false when it already had (not re-armed since). The primary key decides
     * between concurrent claims: exactly one inserts.
     */
    boolean claim(TenantId tenant, UUID subject, Alerts.Kind kind, long figure, long threshold, Instant now) {
        return jdbc.sql("""
                insert into alert_states (tenant_id, subject, kind, figure, threshold, fired_at)
                values (?, ?, ?, ?, ?, ?) on conflict do nothing
                """)
                .params(tenant.value(), subject, kind.name(), figure, threshold, now.atOffset(ZoneOffset.UTC))
                .update() == 1;
    }

    /** The figure is back above the threshold: the next crossing fires again. */
    void rearm(TenantId tenant, UUID subject, Alerts.Kind kind) {
        jdbc.sql("delete from alert_states where tenant_id = ? and subject = ? and kind = ?")
                .params(tenant.value(), subject, kind.name()).update();
    }

    /** Whether any alert of the subject (a user, or the tenant for the pool's) is recorded as fired. */
    boolean anyRecorded(TenantId tenant, UUID subject) {
        return jdbc.sql("select exists (select 1 from alert_states where tenant_id = ? and subject = ?)")
                .params(tenant.value(), subject).query(Boolean.class).single();
    }

    /**
     * Deletes the recorded alerts of these users that a check by state would re-arm ({@link Alerts}' checkUser): the
     * figure above its threshold, or the user deactivated; a kind that is off is left alone. One statement however
     * many users (a month start's batch, a bulk change); nothing recorded, nothing read beyond the index.
     */
    void rearmUsers(TenantId tenant, Collection<UserId> users, Integer lowPercent, boolean exhaustedOn) {
        jdbc.sql("""
                delete from alert_states st
                 using accounts a
                 where st.tenant_id = :tenant and st.subject = any(cast(:users as uuid[]))
                   and a.tenant_id = st.tenant_id and a.user_id = st.subject
                   and ((st.kind = 'USER_LOW' and cast(:low as integer) is not null
                         and not (a.active and a.assigned > 0 and a.assigned - a.consumed <= %s))
                     or (st.kind = 'USER_EXHAUSTED' and :exhausted and not (a.active and a.assigned - a.consumed <= 0)))
                """.formatted(percentOf("a.assigned", "cast(:low as integer)")))
                .param("tenant", tenant.value())
                .param("users", users.stream().map(UserId::value).toArray(UUID[]::new))
                .param("low", lowPercent)
                .param("exhausted", exhaustedOn)
                .update();
    }

    /** A user who is in an alert's state with no alert recorded for it. */
    record Unalerted(TenantId tenant, UserId user) {
    }

    /**
     * Active users at or below their tenant's low-balance threshold, or with nothing left (holds aside,
     * {@link Alerts.Figures#exhausted()}) while the exhausted alert is on, for whom no alert of that kind is recorded: the state a crash between a charge's commit and its
     * alert claim leaves behind (or alerts turned on while already below). A tenant with no settings row has the
     * defaults (20 %, exhausted on). At most {@code limit}, so a sweep never holds a huge result.
     */
    List<Unalerted> unalertedUsers(int limit) {
        return jdbc.sql("""
                select a.tenant_id, a.user_id
                  from accounts a
                  left join tenant_settings s on s.tenant_id = a.tenant_id
                 where a.active
                   and ((a.assigned > 0
                         and a.assigned - a.consumed <= %s
                         and (s.tenant_id is null or s.alert_user_low_percent is not null)
                         and not exists (select 1 from alert_states st where st.tenant_id = a.tenant_id
                                            and st.subject = a.user_id and st.kind = 'USER_LOW'))
                     or (a.assigned - a.consumed <= 0
                         and coalesce(s.alert_user_exhausted, true)
                         and not exists (select 1 from alert_states st where st.tenant_id = a.tenant_id
                                            and st.subject = a.user_id and st.kind = 'USER_EXHAUSTED')))
                 limit ?
                """.formatted(percentOf("a.assigned", "coalesce(s.alert_user_low_percent, 20)")))
                .params(limit)
                .query((rs, n) -> new Unalerted(new TenantId(rs.getObject("tenant_id", UUID.class)),
                        new UserId(rs.getObject("user_id", UUID.class))))
                .list();
    }

    /**
     * Tenants whose pool is in an alert's state (unassigned below its amount, available below its percentage of
     * purchased; defaults when the tenant has no settings row) with no alert of that kind recorded.
     */
    List<TenantId> unalertedPools() {
        return jdbc.sql("""
                select p.tenant_id
                  from pools p
                  left join tenant_settings s on s.tenant_id = p.tenant_id
                  left join (select tenant_id, sum(consumed) as consumed from tenant_totals group by tenant_id) t
                         on t.tenant_id = p.tenant_id
                 where p.purchased > 0
                   and ((s.alert_pool_unassigned_below is not null
                         and p.purchased - p.assigned < s.alert_pool_unassigned_below
                         and not exists (select 1 from alert_states st where st.tenant_id = p.tenant_id
                                            and st.subject = p.tenant_id and st.kind = 'POOL_UNASSIGNED'))
                     or ((s.tenant_id is null or s.alert_tenant_available_below_percent is not null)
                         and p.purchased - coalesce(t.consumed, 0)
                             < %s
                         and not exists (select 1 from alert_states st where st.tenant_id = p.tenant_id
                                            and st.subject = p.tenant_id and st.kind = 'TENANT_AVAILABLE')))
                """.formatted(percentOf("p.purchased", "coalesce(s.alert_tenant_available_below_percent, 10)")))
                .query((rs, n) -> new TenantId(rs.getObject("tenant_id", UUID.class))).list();
    }

    Optional<UserFigures> user(TenantId tenant, UserId user) {
        return jdbc.sql("""
                select assigned, assigned - consumed as remaining, held, active
                  from accounts where tenant_id = ? and user_id = ?
                """)
                .params(tenant.value(), user.value())
                .query((rs, n) -> new UserFigures(rs.getLong("assigned"), rs.getLong("remaining"), rs.getLong("held"),
                        rs.getBoolean("active")))
                .optional();
    }

    Optional<PoolFigures> pool(TenantId tenant) {
        return jdbc.sql("""
                select p.purchased, p.purchased - p.assigned as unassigned,
                       p.purchased - (select coalesce(sum(t.consumed), 0) from tenant_totals t where t.tenant_id = ?)
                           as available
                  from pools p where p.tenant_id = ?
                """)
                // The tenant named in the subquery too: correlated only through p, Citus sent it to every shard.
                .params(tenant.value(), tenant.value())
                .query((rs, n) -> new PoolFigures(rs.getLong("purchased"), rs.getLong("unassigned"), rs.getLong("available")))
                .optional();
    }
}

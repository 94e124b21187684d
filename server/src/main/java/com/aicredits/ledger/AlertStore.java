package com.aicredits.ledger;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for the alerts' once-per-crossing state (V22__alert_states.sql) and the figures they are checked on. */
@Repository
class AlertStore {

    private final JdbcClient jdbc;

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
                       p.purchased - (select coalesce(sum(t.consumed), 0) from tenant_totals t where t.tenant_id = p.tenant_id)
                           as available
                  from pools p where p.tenant_id = ?
                """)
                .params(tenant.value())
                .query((rs, n) -> new PoolFigures(rs.getLong("purchased"), rs.getLong("unassigned"), rs.getLong("available")))
                .optional();
    }
}

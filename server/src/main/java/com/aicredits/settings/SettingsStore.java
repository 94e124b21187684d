package com.aicredits.settings;

import com.aicredits.directory.Role;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.Credits;
import com.aicredits.settings.Settings.Alerts;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for tenant_settings and role_allowance_defaults (V12). A tenant without a settings row has the defaults. */
@Repository
class SettingsStore {

    /** What a tenant's settings row holds, before the hold limit and the role defaults are added. */
    record Row(String timeZone, boolean reclaimOnDeactivate, Alerts alerts) {
        static final Row DEFAULTS = new Row("UTC", true, Alerts.DEFAULTS);
    }

    private final JdbcClient jdbc;

    SettingsStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Row row(TenantId tenant) {
        return jdbc.sql("""
                select time_zone, reclaim_on_deactivate, alert_user_low_percent, alert_user_exhausted,
                       alert_pool_unassigned_below, alert_tenant_available_below_percent
                  from tenant_settings where tenant_id = ?
                """).param(tenant.value()).query(SettingsStore::row).optional().orElse(Row.DEFAULTS);
    }

    Optional<String> timeZone(TenantId tenant) {
        return jdbc.sql("select time_zone from tenant_settings where tenant_id = ?").param(tenant.value())
                .query(String.class).optional();
    }

    /** Locks the tenant's settings row (creating it with the defaults), so two changes apply one after the other. */
    void lock(TenantId tenant, Instant now) {
        jdbc.sql("insert into tenant_settings (tenant_id, updated_at) values (?, ?) on conflict do nothing")
                .params(tenant.value(), now.atOffset(ZoneOffset.UTC)).update();
        jdbc.sql("select 1 from tenant_settings where tenant_id = ? for update").param(tenant.value())
                .query(Integer.class).single();
    }

    void save(TenantId tenant, Row row, Instant now) {
        jdbc.sql("""
                update tenant_settings
                   set time_zone = :zone, reclaim_on_deactivate = :reclaim, alert_user_low_percent = :low,
                       alert_user_exhausted = :exhausted, alert_pool_unassigned_below = :pool,
                       alert_tenant_available_below_percent = :available, updated_at = :now
                 where tenant_id = :tenant
                """)
                .param("tenant", tenant.value()).param("zone", row.timeZone())
                .param("reclaim", row.reclaimOnDeactivate())
                .param("low", row.alerts().userLowPercent(), Types.INTEGER)
                .param("exhausted", row.alerts().userExhausted())
                .param("pool", row.alerts().poolUnassignedBelow() == null ? null
                        : row.alerts().poolUnassignedBelow().thousandths(), Types.BIGINT)
                .param("available", row.alerts().tenantAvailableBelowPercent(), Types.INTEGER)
                .param("now", now.atOffset(ZoneOffset.UTC))
                .update();
    }

    Map<Role, AllowanceTerms> roleDefaults(TenantId tenant) {
        var defaults = new EnumMap<Role, AllowanceTerms>(Role.class);
        jdbc.sql("select role, credits, period, mode from role_allowance_defaults where tenant_id = ?")
                .param(tenant.value())
                .query((rs, n) -> Map.entry(Role.valueOf(rs.getString("role")), terms(rs)))
                .list().forEach(e -> defaults.put(e.getKey(), e.getValue()));
        return defaults;
    }

    Optional<AllowanceTerms> roleDefault(TenantId tenant, Role role) {
        return jdbc.sql("select credits, period, mode from role_allowance_defaults where tenant_id = ? and role = ?")
                .params(tenant.value(), role.name()).query((rs, n) -> terms(rs)).optional();
    }

    void saveRoleDefault(TenantId tenant, Role role, Optional<AllowanceTerms> terms) {
        if (terms.isEmpty()) {
            jdbc.sql("delete from role_allowance_defaults where tenant_id = ? and role = ?")
                    .params(tenant.value(), role.name()).update();
            return;
        }
        var t = terms.get();
        jdbc.sql("""
                insert into role_allowance_defaults (tenant_id, role, credits, period, mode) values (?, ?, ?, ?, ?)
                on conflict (tenant_id, role) do update set credits = excluded.credits, period = excluded.period,
                       mode = excluded.mode
                """).params(tenant.value(), role.name(), t.credits().thousandths(), t.period().name(), t.mode().name())
                .update();
    }

    private static AllowanceTerms terms(ResultSet rs) throws SQLException {
        return new AllowanceTerms(new Credits(rs.getLong("credits")), Period.valueOf(rs.getString("period")),
                AllowanceMode.valueOf(rs.getString("mode")));
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        Long pool = rs.getObject("alert_pool_unassigned_below", Long.class);
        return new Row(rs.getString("time_zone"), rs.getBoolean("reclaim_on_deactivate"),
                new Alerts(rs.getObject("alert_user_low_percent", Integer.class), rs.getBoolean("alert_user_exhausted"),
                        pool == null ? null : new Credits(pool),
                        rs.getObject("alert_tenant_available_below_percent", Integer.class)));
    }
}

package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.shared.TenantId;
import java.sql.Connection;
import java.sql.SQLException;

/** Holds a tenant's running-totals slots in a test's own transaction, as a writer does (V32__totals_without_waits.sql). */
final class TotalsSlots {

    private TotalsSlots() {
    }

    /**
     * Takes, until {@code connection}'s transaction ends, every slot of the tenant but {@code except} (-1 for none):
     * the advisory lock by which a writer holds a slot, and the row lock its update takes.
     */
    static void holdAllBut(Connection connection, TenantId tenant, int except) throws SQLException {
        try (var statement = connection.prepareStatement("""
                select count(*) from (select pg_advisory_xact_lock(hashtext(tenant_id::text), slot)
                                        from tenant_totals where tenant_id = ? and slot <> ? for update) held""")) {
            statement.setObject(1, tenant.value());
            statement.setInt(2, except);
            try (var rs = statement.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).as("slots held").isEqualTo(except < 0 ? 128 : 127);
            }
        }
    }
}

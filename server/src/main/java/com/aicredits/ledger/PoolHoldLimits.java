package com.aicredits.ledger;

import com.aicredits.shared.TenantId;
import com.aicredits.settings.HoldLimits;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The in-flight limit is the pool row's max_holds_per_user, which the admission statements read; the settings change it here. */
@Component
class PoolHoldLimits implements HoldLimits {

    private final JdbcClient jdbc;

    PoolHoldLimits(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<Integer> holdLimit(TenantId tenant) {
        return jdbc.sql("select max_holds_per_user from pools where tenant_id = ?").param(tenant.value())
                .query(Integer.class).optional();
    }

    @Override
    public void changeHoldLimit(TenantId tenant, int limit) {
        // Requests already in flight keep their slots; a lower limit only refuses new ones until fewer are open.
        jdbc.sql("update pools set max_holds_per_user = ? where tenant_id = ?").params(limit, tenant.value()).update();
    }
}

package com.aicredits.access;

import com.aicredits.shared.TenantId;
import java.time.Clock;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The audit trail for changes the HTTP filter cannot describe: a decision made on the admin screen is a form post
 * the filter does not record, and even an API call's row says only which path answered what. A module records
 * such a decision here inside its own transaction, so the row exists exactly when the decision committed, with
 * the decision's {@code code} and what was decided in {@code detail}. Calls recorded this way are left out by
 * {@link AuditTrail} so each decision is in the trail once, whichever way it was made.
 */
@Service
public class Audit {

    private static final int TEXT_MAX = 500;

    private final JdbcClient jdbc;
    private final Clock clock;

    Audit(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Records that {@code actor} did {@code code} to the resource at {@code path} (its API path). */
    public void record(TenantId tenant, String actor, String code, String path, String detail) {
        jdbc.sql("""
                insert into audit_events (tenant_id, actor, method, path, status, code, detail, at)
                values (?, ?, 'POST', ?, 200, ?, ?, ?)""")
                .params(tenant.value(), clip(actor), clip(path), code, detail == null ? null : clip(detail),
                        clock.instant().atOffset(ZoneOffset.UTC))
                .update();
    }

    private static String clip(String text) {
        return text.length() <= TEXT_MAX ? text : text.substring(0, TEXT_MAX - 1) + "…";
    }
}

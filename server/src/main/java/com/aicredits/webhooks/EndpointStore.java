package com.aicredits.webhooks;

import static com.aicredits.shared.SqlTime.at;
import static com.aicredits.shared.SqlTime.instant;

import com.aicredits.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for V20's webhook_endpoints, with each endpoint's failure record. Every statement names its tenant. */
@Repository
class EndpointStore {

    private static final String ENDPOINT_COLUMNS =
            "id, url, events, description, enabled, failing_since, disabled_reason, created_at";

    private final JdbcClient jdbc;

    EndpointStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An endpoint registered under an idempotency key, with what it was registered with. */
    record Keyed(Endpoint endpoint, String sealedSecret) {
    }

    void insertEndpoint(TenantId tenant, UUID id, String url, List<String> events, String description, String sealed,
            String idempotencyKey, Instant now) {
        jdbc.sql("""
                insert into webhook_endpoints (tenant_id, id, url, events, description, secret_sealed, idempotency_key,
                                               created_at, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).params(tenant.value(), id, url, events.toArray(String[]::new), description, sealed, idempotencyKey,
                        at(now), at(now)).update();
    }

    Optional<Keyed> endpointByKey(TenantId tenant, String key) {
        return jdbc.sql("select " + ENDPOINT_COLUMNS + ", secret_sealed from webhook_endpoints "
                        + "where tenant_id = ? and idempotency_key = ?")
                .params(tenant.value(), key)
                .query((rs, n) -> new Keyed(endpoint(rs, n), rs.getString("secret_sealed"))).optional();
    }

    List<Endpoint> endpoints(TenantId tenant) {
        return jdbc.sql("select " + ENDPOINT_COLUMNS + " from webhook_endpoints where tenant_id = ? order by created_at, id")
                .param(tenant.value()).query(EndpointStore::endpoint).list();
    }

    Optional<Endpoint> endpoint(TenantId tenant, UUID id) {
        return jdbc.sql("select " + ENDPOINT_COLUMNS + " from webhook_endpoints where tenant_id = ? and id = ?")
                .params(tenant.value(), id).query(EndpointStore::endpoint).optional();
    }

    /** Applies the non-null fields; enabling clears the failure record, so the 24 hours start again. */
    Optional<Endpoint> change(TenantId tenant, UUID id, EndpointChange change, Instant now) {
        return jdbc.sql("""
                update webhook_endpoints
                   set url = coalesce(:url, url),
                       events = coalesce(:events, events),
                       description = coalesce(:description, description),
                       enabled = coalesce(:enabled, enabled),
                       failing_since = case when :enabled is true and not enabled then null else failing_since end,
                       disabled_at = case when :enabled is true then null else disabled_at end,
                       disabled_reason = case when :enabled is null then disabled_reason
                                              when :enabled then null else 'disabled by an admin' end,
                       updated_at = :now
                 where tenant_id = :tenant and id = :id
                returning """ + " " + ENDPOINT_COLUMNS)
                .param("tenant", tenant.value()).param("id", id)
                .param("url", change.url(), Types.VARCHAR)
                .param("events", change.events() == null ? null : change.events().toArray(String[]::new), Types.ARRAY)
                .param("description", change.description(), Types.VARCHAR)
                .param("enabled", change.enabled(), Types.BOOLEAN)
                .param("now", at(now))
                .query(EndpointStore::endpoint).optional();
    }

    boolean delete(TenantId tenant, UUID id) {
        return jdbc.sql("delete from webhook_endpoints where tenant_id = ? and id = ?").params(tenant.value(), id)
                .update() == 1;
    }

    /** The event types some enabled endpoint of the tenant subscribes to ({@code *} included as it is). */
    Set<String> subscribedTypes(TenantId tenant) {
        var types = new HashSet<String>();
        jdbc.sql("select distinct unnest(events) from webhook_endpoints where tenant_id = ? and enabled")
                .param(tenant.value()).query(String.class).list().forEach(types::add);
        return types;
    }

    void succeeded(TenantId tenant, UUID endpoint) {
        jdbc.sql("update webhook_endpoints set failing_since = null where tenant_id = ? and id = ? and failing_since is not null")
                .params(tenant.value(), endpoint).update();
    }

    /**
     * Notes a failed attempt on the endpoint and, once it has been failing since {@code disableBefore} or earlier,
     * disables it. Returns the endpoint when this call disabled it.
     */
    Optional<Endpoint> failed(TenantId tenant, UUID endpoint, Instant now, Instant disableBefore, String reason) {
        jdbc.sql("update webhook_endpoints set failing_since = ? where tenant_id = ? and id = ? and failing_since is null")
                .params(at(now), tenant.value(), endpoint).update();
        return jdbc.sql("""
                update webhook_endpoints set enabled = false, disabled_at = :now, disabled_reason = :reason,
                       updated_at = :now
                 where tenant_id = :tenant and id = :id and enabled and failing_since <= :before
                returning """ + " " + ENDPOINT_COLUMNS)
                .param("tenant", tenant.value()).param("id", endpoint).param("now", at(now))
                .param("before", at(disableBefore)).param("reason", reason)
                .query(EndpointStore::endpoint).optional();
    }

    private static Endpoint endpoint(ResultSet rs, int n) throws SQLException {
        return new Endpoint(rs.getObject("id", UUID.class), rs.getString("url"),
                List.copyOf(Arrays.asList((String[]) rs.getArray("events").getArray())), rs.getString("description"),
                rs.getBoolean("enabled"), instant(rs, "failing_since"), rs.getString("disabled_reason"),
                instant(rs, "created_at"));
    }
}

package com.aicredits.access;

import static com.aicredits.shared.SqlTime.at;
import static com.aicredits.shared.SqlTime.instant;

import com.aicredits.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for API keys; keys are found by (tenant, SHA-256 of the key). */
@Repository
class ApiKeyStore {

    private final JdbcClient jdbc;

    ApiKeyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(ApiKey key, byte[] hash) {
        jdbc.sql("insert into api_keys (tenant_id, id, name, scope, key_hash, created_at) values (?, ?, ?, ?, ?, ?)")
                .params(key.tenantId().value(), key.id(), key.name(), key.scope().name(), hash,
                        at(key.createdAt()))
                .update();
    }

    Optional<ApiKey> byHash(TenantId tenant, byte[] hash) {
        return jdbc.sql(SELECT + " where tenant_id = ? and key_hash = ?").params(tenant.value(), hash)
                .query(ApiKeyStore::key).optional();
    }

    List<ApiKey> keys(TenantId tenant) {
        return jdbc.sql(SELECT + " where tenant_id = ? order by created_at, id").param(tenant.value())
                .query(ApiKeyStore::key).list();
    }

    /**
     * Marks the key revoked (keeping the first time) and, in the same statement, notifies {@code channel} with its
     * id: PostgreSQL delivers the notice when the revocation commits, and only then, to every listening instance.
     */
    boolean revoke(TenantId tenant, UUID id, Instant now, String channel) {
        return !jdbc.sql("""
                        with revoked as (
                            update api_keys set revoked_at = coalesce(revoked_at, ?) where tenant_id = ? and id = ?
                            returning id)
                        select id, pg_notify(?, id::text) from revoked""")
                .params(at(now), tenant.value(), id, channel)
                .query((rs, n) -> rs.getObject("id", UUID.class)).list().isEmpty();
    }

    void used(TenantId tenant, UUID id, Instant now) {
        jdbc.sql("update api_keys set last_used_at = ? where tenant_id = ? and id = ?")
                .params(at(now), tenant.value(), id).update();
    }

    private static final String SELECT =
            "select tenant_id, id, name, scope, created_at, last_used_at, revoked_at from api_keys";

    private static ApiKey key(ResultSet rs, int n) throws SQLException {
        return new ApiKey(rs.getObject("id", UUID.class), new TenantId(rs.getObject("tenant_id", UUID.class)),
                rs.getString("name"), ApiKeyScope.valueOf(rs.getString("scope")), instant(rs, "created_at"),
                instant(rs, "last_used_at"), instant(rs, "revoked_at"));
    }
}

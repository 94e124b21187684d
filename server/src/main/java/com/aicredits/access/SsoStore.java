package com.aicredits.access;

import com.aicredits.directory.Role;
import com.aicredits.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for sso_connections (V17), keyed by tenant. The secret column holds only what SecretBox sealed. */
@Repository
class SsoStore {

    /** A connection with its sealed secret, for the sign-in itself; never leaves the access module. */
    record Stored(SsoConnection connection, String sealedSecret, long version) {
        @Override
        public String toString() {
            return "Stored[" + connection + "]";
        }
    }

    private final JdbcClient jdbc;

    SsoStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void save(SsoConnection c, String sealedSecret) {
        jdbc.sql("""
                insert into sso_connections (tenant_id, issuer, client_id, client_secret, enforced, jit_role, updated_at)
                values (:tenant, :issuer, :client, :secret, :enforced, :jit, :now)
                on conflict (tenant_id) do update set issuer = excluded.issuer, client_id = excluded.client_id,
                       client_secret = excluded.client_secret, enforced = excluded.enforced, jit_role = excluded.jit_role,
                       updated_at = excluded.updated_at, version = nextval('sso_connection_versions')
                """)
                .param("tenant", c.tenantId().value()).param("issuer", c.issuer()).param("client", c.clientId())
                .param("secret", sealedSecret).param("enforced", c.enforced())
                .param("jit", c.justInTimeRole() == null ? null : c.justInTimeRole().name(), java.sql.Types.VARCHAR)
                .param("now", c.updatedAt().atOffset(ZoneOffset.UTC))
                .update();
    }

    Optional<Stored> stored(TenantId tenant) {
        return jdbc.sql("select * from sso_connections where tenant_id = ?").param(tenant.value())
                .query((rs, n) -> new Stored(connection(rs), rs.getString("client_secret"), rs.getLong("version"))).optional();
    }

    /** Just the version: every sign-in asks whether its cached registration is still current (one key lookup). */
    Optional<Long> version(TenantId tenant) {
        return jdbc.sql("select version from sso_connections where tenant_id = ?").param(tenant.value())
                .query(Long.class).optional();
    }

    boolean delete(TenantId tenant) {
        return jdbc.sql("delete from sso_connections where tenant_id = ?").param(tenant.value()).update() == 1;
    }

    private static SsoConnection connection(ResultSet rs) throws SQLException {
        String jit = rs.getString("jit_role");
        return new SsoConnection(new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getString("issuer"),
                rs.getString("client_id"), rs.getBoolean("enforced"), jit == null ? null : Role.valueOf(jit),
                rs.getTimestamp("updated_at").toInstant());
    }
}

package com.aicredits.directory;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for tenants and users. Every user query is keyed by tenant first. */
@Repository
class DirectoryStore {

    private final JdbcClient jdbc;

    DirectoryStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Tenant tenant) {
        jdbc.sql("insert into tenants (id, name, created_at) values (?, ?, ?)")
                .params(tenant.id().value(), tenant.name(), Timestamp.from(tenant.createdAt()))
                .update();
    }

    List<Tenant> tenants() {
        return jdbc.sql("select id, name, created_at from tenants order by created_at, id")
                .query(DirectoryStore::tenant).list();
    }

    Optional<Tenant> tenant(TenantId id) {
        return jdbc.sql("select id, name, created_at from tenants where id = ?")
                .param(id.value()).query(DirectoryStore::tenant).optional();
    }

    void insert(User user, String passwordHash) {
        jdbc.sql("""
                insert into users (tenant_id, id, name, email, role, active, external_id, password_hash, created_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
                .params(user.tenantId().value(), user.id().value(), user.name(), user.email(), user.role().name(),
                        user.active(), user.externalId(), passwordHash, Timestamp.from(user.createdAt()))
                .update();
    }

    void update(User user) {
        jdbc.sql("update users set name = ?, role = ?, active = ? where tenant_id = ? and id = ?")
                .params(user.name(), user.role().name(), user.active(), user.tenantId().value(), user.id().value())
                .update();
    }

    List<User> users(TenantId tenantId) {
        return jdbc.sql(SELECT_USER + " from users where tenant_id = ? order by lower(name), id")
                .param(tenantId.value()).query(DirectoryStore::user).list();
    }

    Optional<User> user(TenantId tenantId, UserId userId) {
        return jdbc.sql(SELECT_USER + " from users where tenant_id = ? and id = ?")
                .params(tenantId.value(), userId.value()).query(DirectoryStore::user).optional();
    }

    Optional<User> userByEmail(TenantId tenantId, String email) {
        return jdbc.sql(SELECT_USER + " from users where tenant_id = ? and lower(email) = lower(?)")
                .params(tenantId.value(), email).query(DirectoryStore::user).optional();
    }

    record Credentials(User user, String passwordHash) {
    }

    /** Users of any tenant with this email and a password; login is the one place that searches across tenants. */
    List<Credentials> credentials(String email) {
        return jdbc.sql(SELECT_USER + ", password_hash from users where lower(email) = lower(?) and password_hash is not null")
                .param(email)
                .query((rs, n) -> new Credentials(user(rs, n), rs.getString("password_hash"))).list();
    }

    private static final String SELECT_USER =
            "select tenant_id, id, name, email, role, active, external_id, created_at";

    private static Tenant tenant(ResultSet rs, int row) throws SQLException {
        return new Tenant(new TenantId(rs.getObject("id", UUID.class)), rs.getString("name"),
                rs.getTimestamp("created_at").toInstant());
    }

    private static User user(ResultSet rs, int row) throws SQLException {
        return new User(new UserId(rs.getObject("id", UUID.class)), new TenantId(rs.getObject("tenant_id", UUID.class)),
                rs.getString("name"), rs.getString("email"), Role.valueOf(rs.getString("role")),
                rs.getBoolean("active"), rs.getString("external_id"), rs.getTimestamp("created_at").toInstant());
    }
}

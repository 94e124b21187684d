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
                insert into users (tenant_id, id, name, email, role, active, external_id, password_hash, created_at, source)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
                .params(user.tenantId().value(), user.id().value(), user.name(), user.email(), user.role().name(),
                        user.active(), user.externalId(), passwordHash, Timestamp.from(user.createdAt()),
                        user.source().label())
                .update();
    }

    void update(User user) {
        jdbc.sql("""
                update users set name = ?, email = ?, role = ?, active = ?, external_id = ?, changed_at = ?
                 where tenant_id = ? and id = ?
                """)
                .params(user.name(), user.email(), user.role().name(), user.active(), user.externalId(),
                        Timestamp.from(user.changedAt()), user.tenantId().value(), user.id().value())
                .update();
    }

    /**
     * The user row, locked until the transaction ends: two changes of one user apply one after the other. NO KEY
     * UPDATE, the lock an update of its non-key columns takes anyway: FOR UPDATE would also block the key-share lock
     * that every ledger entry's foreign key takes on its user, and a deactivation (this lock, then the pool's for its
     * reclaim) deadlocked with an admin's add or remove on that user (the pool's lock, then the entry's key share).
     */
    Optional<User> lockUser(TenantId tenantId, UserId userId) {
        return jdbc.sql(SELECT_USER + " from users where tenant_id = ? and id = ? for no key update")
                .params(tenantId.value(), userId.value()).query(DirectoryStore::user).optional();
    }

    /** A page of the tenant's users that match, oldest first (a stable order for paging), and how many match. */
    PeoplePage find(TenantId tenantId, PeopleFilter filter, int offset, int limit) {
        var params = new java.util.LinkedHashMap<String, Object>();
        params.put("tenant", tenantId.value());
        String where = "tenant_id = :tenant and (" + PeopleSql.where(filter, params) + ")";
        long total = jdbc.sql("select count(*) from users where " + where).params(params).query(Long.class).single();
        params.put("offset", offset);
        params.put("limit", limit);
        var users = jdbc.sql(SELECT_USER + " from users where " + where + " order by created_at, id offset :offset limit :limit")
                .params(params).query(DirectoryStore::user).list();
        return new PeoplePage(total, users);
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

    /** Active users of any tenant with this e-mail: the sign-in page's organisations to choose from. */
    List<User> activeUsersByEmail(String email) {
        return jdbc.sql(SELECT_USER + " from users where lower(email) = lower(?) and active order by created_at, tenant_id")
                .param(email).query(DirectoryStore::user).list();
    }

    Optional<User> userBySubject(TenantId tenantId, String issuer, String subject) {
        return jdbc.sql(SELECT_USER + " from users where tenant_id = ? and sso_issuer = ? and sso_subject = ?")
                .params(tenantId.value(), issuer, subject).query(DirectoryStore::user).optional();
    }

    /** Locked, so that two first sign-ons of one person link one subject, not two in turn. */
    Optional<User> lockUserByEmail(TenantId tenantId, String email) {
        return jdbc.sql(SELECT_USER + " from users where tenant_id = ? and lower(email) = lower(?) for no key update")
                .params(tenantId.value(), email).query(DirectoryStore::user).optional();
    }

    /**
     * Links the provider's identity unless the user already has another one at the same provider; false then. A
     * link to a provider the tenant no longer uses (it moved from Okta to Entra ID, say) is replaced.
     */
    boolean linkSubject(TenantId tenantId, com.aicredits.shared.UserId userId, String issuer, String subject) {
        return jdbc.sql("""
                update users set sso_issuer = ?, sso_subject = ?
                 where tenant_id = ? and id = ? and (sso_subject is null or sso_issuer <> ? or sso_subject = ?)
                """).params(issuer, subject, tenantId.value(), userId.value(), issuer, subject).update() == 1;
    }

    private static final String SELECT_USER =
            "select tenant_id, id, name, email, role, active, external_id, created_at, source,"
                    + " coalesce(changed_at, created_at) as changed_at"; // V34: null until the first change

    private static Tenant tenant(ResultSet rs, int row) throws SQLException {
        return new Tenant(new TenantId(rs.getObject("id", UUID.class)), rs.getString("name"),
                rs.getTimestamp("created_at").toInstant());
    }

    private static User user(ResultSet rs, int row) throws SQLException {
        return new User(new UserId(rs.getObject("id", UUID.class)), new TenantId(rs.getObject("tenant_id", UUID.class)),
                rs.getString("name"), rs.getString("email"), Role.valueOf(rs.getString("role")),
                rs.getBoolean("active"), rs.getString("external_id"), rs.getTimestamp("created_at").toInstant(),
                Source.of(rs.getString("source")), rs.getTimestamp("changed_at").toInstant());
    }
}

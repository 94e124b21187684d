package com.aicredits.requests;

import static com.aicredits.shared.SqlTime.at;
import static com.aicredits.shared.SqlTime.instant;

import com.aicredits.requests.CreditRequest.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for credit requests (V24__credit_requests.sql); every statement is scoped to the tenant. */
@Repository
class CreditRequestStore {

    private static final String COLUMNS = """
            select r.id, r.user_id, p.name, p.email, r.credits, r.reason, r.status, r.filed_by, r.created_at, r.granted,
                   r.decision_note, r.decided_by, r.decided_at
              from credit_requests r left join people p on p.tenant_id = r.tenant_id and p.id = r.user_id
            """;

    private final JdbcClient jdbc;

    CreditRequestStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Files a pending request; empty when the user already has one pending (the partial unique index). */
    Optional<UUID> insert(TenantId tenant, UserId user, Credits credits, String reason, String filedBy, Instant now) {
        return jdbc.sql("""
                insert into credit_requests (tenant_id, user_id, credits, reason, filed_by, created_at)
                values (?, ?, ?, ?, ?, ?)
                on conflict (tenant_id, user_id) where status = 'PENDING' do nothing
                returning id
                """)
                .params(tenant.value(), user.value(), credits.thousandths(), reason, filedBy, at(now))
                .query(UUID.class).optional();
    }

    Optional<CreditRequest> find(TenantId tenant, UUID id) {
        return jdbc.sql(COLUMNS + " where r.tenant_id = ? and r.id = ?").params(tenant.value(), id)
                .query(CreditRequestStore::request).optional();
    }

    /** Locks the request's row: decisions on one request run one after another. */
    Optional<Status> lock(TenantId tenant, UUID id) {
        return jdbc.sql("select status from credit_requests where tenant_id = ? and id = ? for update")
                .params(tenant.value(), id).query((rs, n) -> Status.valueOf(rs.getString(1))).optional();
    }

    void approve(TenantId tenant, UUID id, Credits granted, String note, String decidedBy, Instant now) {
        decide(tenant, id, Status.APPROVED, granted, note, decidedBy, now);
    }

    void decline(TenantId tenant, UUID id, String reason, String decidedBy, Instant now) {
        decide(tenant, id, Status.DECLINED, null, reason, decidedBy, now);
    }

    private void decide(TenantId tenant, UUID id, Status status, Credits granted, String note, String decidedBy, Instant now) {
        int changed = jdbc.sql("""
                update credit_requests set status = ?, granted = ?, decision_note = ?, decided_by = ?, decided_at = ?
                 where tenant_id = ? and id = ? and status = 'PENDING'
                """)
                .params(status.name(), granted == null ? null : granted.thousandths(), note, decidedBy,
                        at(now), tenant.value(), id)
                .update();
        if (changed != 1) {
            throw new IllegalStateException("credit request " + id + " was not pending under its lock");
        }
    }

    /** Pending first (oldest first), then the decided ones, newest decision first. */
    List<CreditRequest> list(TenantId tenant, Status status, int page, int size) {
        return jdbc.sql(COLUMNS + """
                 where r.tenant_id = ? and (cast(? as text) is null or r.status = ?)
                 order by r.status = 'PENDING' desc,
                          case when r.status = 'PENDING' then r.created_at end asc,
                          r.decided_at desc, r.id
                 limit ? offset ?
                """)
                .params(tenant.value(), status == null ? null : status.name(), status == null ? null : status.name(), size,
                        (long) page * size)
                .query(CreditRequestStore::request).list();
    }

    long count(TenantId tenant, Status status) {
        return jdbc.sql("select count(*) from credit_requests where tenant_id = ? and (cast(? as text) is null or status = ?)")
                .params(tenant.value(), status == null ? null : status.name(), status == null ? null : status.name())
                .query(Long.class).single();
    }

    List<CreditRequest> forUser(TenantId tenant, UserId user, int limit) {
        return jdbc.sql(COLUMNS + " where r.tenant_id = ? and r.user_id = ? order by r.created_at desc, r.id limit ?")
                .params(tenant.value(), user.value(), limit).query(CreditRequestStore::request).list();
    }

    private static CreditRequest request(ResultSet rs, int n) throws SQLException {
        long granted = rs.getLong("granted");
        boolean hasGranted = !rs.wasNull();
        return new CreditRequest(rs.getObject("id", UUID.class), new UserId(rs.getObject("user_id", UUID.class)),
                rs.getString("name"), rs.getString("email"), new Credits(rs.getLong("credits")), rs.getString("reason"),
                Status.valueOf(rs.getString("status")), rs.getString("filed_by"), instant(rs, "created_at"),
                hasGranted ? new Credits(granted) : null, rs.getString("decision_note"), rs.getString("decided_by"),
                instant(rs, "decided_at"));
    }
}

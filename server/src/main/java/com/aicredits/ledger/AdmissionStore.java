package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for starting AI requests. Admission (authorize, charge) is one statement: the conditional UPDATE of
 * the account, the request row and the ledger entry together, so the rule ({@code admission_refusal} in
 * V7__ledger_rules_and_lifecycle.sql) is decided by PostgreSQL under the account's row lock, never in Java.
 * The request row's primary key is the request id: a second insert for the same id fails the whole statement
 * (nothing of it is applied), which is how a retry is recognised. Being one statement, an admission needs
 * no transaction around it: it commits on its own, in one round trip.
 */
@Repository
class AdmissionStore {

    private final JdbcClient jdbc;

    AdmissionStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * An admitted request: the user's figures after the admission statement (the figures before follow from the
     * amount, which is how alerts see a crossing without reading anything again).
     */
    record Admission(long remaining, long held, long assigned) {
    }

    /** Where a user stands, as the account_standing view defines it; {@code refusal} null means admissible. */
    record Standing(long available, long removable, boolean allocated, int inFlight, int inFlightMax,
            Refusal refusal) {
    }

    /** The account row, updated only if the user is admissible; %s is what admission does to it. */
    private static final String ADMIT = """
            update accounts a
               set %s, entry_count = a.entry_count + 1, updated_at = :now
              from pools p, people u
             where a.tenant_id = :tenant and a.user_id = :user
               and p.tenant_id = :tenant and u.tenant_id = :tenant and u.id = :user
               and admission_refusal(u.active, a.active, credits_available(a.assigned, a.consumed, a.held),
                                     a.open_holds, p.max_holds_per_user) is null
            returning a.assigned - a.consumed as remaining, a.held, a.assigned, a.entry_count as seq
            """;

    static final String AUTHORIZE = "with acc as (" + ADMIT.formatted("held = a.held + :amount, open_holds = a.open_holds + 1") + """
            ), req as (
                insert into consumption_requests (tenant_id, request_id, user_id, feature, status, held,
                    available_after, created_at, expires_at, settle_by, in_flight)
                select :tenant, :request, :user, :feature, 'AUTHORIZED', :amount, acc.remaining - acc.held, :now,
                    :expires, :settleBy, true
                  from acc
                returning request_id
            ), entry as (
            """ + LedgerEntrySql.insert("""
                tenant_id = :tenant
                user_id = :user
                user_seq = acc.seq
                type = 'AUTHORIZE'
                credits = :amount
                held_delta = :amount
                remaining_before = acc.remaining
                remaining_after = acc.remaining
                held_after = acc.held
                actor = :actor
                feature = :feature
                request_id = req.request_id
                at = :now
                """, "from acc, req") + """
            )
            select acc.remaining, acc.held, acc.assigned from acc
            """;

    /**
     * The statement of one charge. The benchmark's pgbench script runs exactly this statement (a test holds
     * them equal), so the ratio it reports compares the service with its own SQL.
     */
    static final String CHARGE = "with acc as (" + ADMIT.formatted("consumed = a.consumed + :amount") + """
            ), req as (
                insert into consumption_requests (tenant_id, request_id, user_id, feature, status, held, cost,
                    available_after, remaining_after, created_at, finished_at)
                select :tenant, :request, :user, :feature, 'SETTLED', 0, :amount,
                    acc.remaining - acc.held, acc.remaining, :now, :now
                  from acc
                returning request_id
            ), entry as (
            """ + LedgerEntrySql.insert("""
                tenant_id = :tenant
                user_id = :user
                user_seq = acc.seq
                type = 'CHARGE'
                credits = :amount
                consumed_delta = :amount
                remaining_before = acc.remaining + :amount
                remaining_after = acc.remaining
                held_after = acc.held
                actor = :actor
                feature = :feature
                request_id = req.request_id
                at = :now
                """, "from acc, req") + """
            )
            select acc.remaining, acc.held, acc.assigned from acc
            """;

    Optional<Admission> authorize(TenantId tenant, RequestId request, UserId user, String feature, Credits hold,
            Actor actor, Instant now, Instant expiresAt, Instant settleBy) {
        return admit(AUTHORIZE, tenant, request, user, feature, hold, actor, now)
                .param("expires", expiresAt.atOffset(ZoneOffset.UTC))
                .param("settleBy", settleBy.atOffset(ZoneOffset.UTC))
                .query(AdmissionStore::admission).optional();
    }

    Optional<Admission> charge(TenantId tenant, RequestId request, UserId user, String feature, Credits cost,
            Actor actor, Instant now) {
        return admit(CHARGE, tenant, request, user, feature, cost, actor, now)
                .query(AdmissionStore::admission).optional();
    }

    private JdbcClient.StatementSpec admit(String sql, TenantId tenant, RequestId request, UserId user, String feature,
            Credits amount, Actor actor, Instant now) {
        return jdbc.sql(sql)
                .param("tenant", tenant.value()).param("user", user.value()).param("request", request.value())
                .param("feature", feature).param("amount", amount.thousandths()).param("actor", actor.name())
                .param("now", now.atOffset(ZoneOffset.UTC));
    }

    /** The user's standing now; empty for a user who is not registered in the tenant. */
    Optional<Standing> standing(TenantId tenant, UserId user) {
        return jdbc.sql("""
                select available, removable, allocated, in_flight, in_flight_max, refusal
                  from account_standing where tenant_id = ? and user_id = ?
                """)
                .params(tenant.value(), user.value())
                .query((rs, n) -> {
                    String refusal = rs.getString("refusal");
                    return new Standing(rs.getLong("available"), rs.getLong("removable"), rs.getBoolean("allocated"), rs.getInt("in_flight"), rs.getInt("in_flight_max"),
                            refusal == null ? null : Refusal.valueOf(refusal));
                })
                .optional();
    }

    private static Admission admission(ResultSet rs, int n) throws SQLException {
        return new Admission(rs.getLong("remaining"), rs.getLong("held"), rs.getLong("assigned"));
    }
}

package com.aicredits.ledger;

import com.aicredits.directory.TenantId;
import com.aicredits.directory.UserId;
import com.aicredits.ledger.RequestState.Status;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for spending credits. Admission (authorize, charge) is one statement: the conditional UPDATE of
 * the account, the request row and the ledger entry together, so the rule "available > 0 and fewer open
 * holds than the limit" is decided by PostgreSQL under the account's row lock, never in Java.
 * The request row's primary key is the request id: a second insert for the same id fails the whole
 * statement (nothing of it is applied), which is how a retry is recognised. Being one statement, an
 * admission needs no transaction around it: it commits on its own, in one round trip.
 * Lock order: request row, then account row.
 */
@Repository
class ConsumptionStore {

    private final JdbcClient jdbc;

    ConsumptionStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An admitted request: the user's figures after the admission statement. */
    record Admission(long remaining, long held) {
    }

    /** Why admission failed, read after the fact (it only explains a decision PostgreSQL already took). */
    record Standing(boolean userActive, boolean allocated, long available, int openHolds, int maxHolds) {
    }

    record Request(UserId userId, String feature, Status status, long held, Long cost, long availableAfter,
            Long remainingAfter, Instant createdAt, Instant expiresAt, Instant finishedAt, boolean charge) {
    }

    private static final String ADMITTED = """
            update accounts a
               set %s, updated_at = :now
              from pools p
             where a.tenant_id = :tenant and a.user_id = :user and p.tenant_id = :tenant
               and a.active
               and a.assigned - a.consumed - a.held > 0
               and a.open_holds < p.max_holds_per_user
               and exists (select 1 from users u where u.tenant_id = :tenant and u.id = :user and u.active)
            returning a.assigned - a.consumed as remaining, a.held
            """;

    Optional<Admission> authorize(TenantId tenant, RequestId request, UserId user, String feature, Credits hold,
            Actor actor, Instant now, Instant expiresAt) {
        String sql = "with acc as (" + ADMITTED.formatted("held = a.held + :amount, open_holds = a.open_holds + 1") + """
                ), req as (
                    insert into consumption_requests (tenant_id, request_id, user_id, feature, status, held,
                        available_after, created_at, expires_at)
                    select :tenant, :request, :user, :feature, 'AUTHORIZED', :amount, acc.remaining - acc.held, :now, :expires
                      from acc
                    returning request_id
                ), entry as (
                    insert into ledger_entries (tenant_id, user_id, type, credits, held_delta, remaining_before,
                        remaining_after, held_after, actor, feature, request_id, at)
                    select :tenant, :user, 'AUTHORIZE', :amount, :amount, acc.remaining, acc.remaining, acc.held,
                        :actor, :feature, :request, :now
                      from acc, req
                )
                select acc.remaining, acc.held from acc
                """;
        return admit(sql, tenant, request, user, feature, hold, actor, now)
                .param("expires", expiresAt.atOffset(ZoneOffset.UTC))
                .query(ConsumptionStore::admission).optional();
    }

    Optional<Admission> charge(TenantId tenant, RequestId request, UserId user, String feature, Credits cost,
            Actor actor, Instant now) {
        String sql = "with acc as (" + ADMITTED.formatted("consumed = a.consumed + :amount") + """
                ), req as (
                    insert into consumption_requests (tenant_id, request_id, user_id, feature, status, held, cost,
                        available_after, remaining_after, created_at, finished_at)
                    select :tenant, :request, :user, :feature, 'SETTLED', 0, :amount,
                        acc.remaining - acc.held, acc.remaining, :now, :now
                      from acc
                    returning request_id
                ), entry as (
                    insert into ledger_entries (tenant_id, user_id, type, credits, consumed_delta, remaining_before,
                        remaining_after, held_after, actor, feature, request_id, at)
                    select :tenant, :user, 'CHARGE', :amount, :amount, acc.remaining + :amount, acc.remaining, acc.held,
                        :actor, :feature, :request, :now
                      from acc, req
                )
                select acc.remaining, acc.held from acc
                """;
        return admit(sql, tenant, request, user, feature, cost, actor, now)
                .query(ConsumptionStore::admission).optional();
    }

    private JdbcClient.StatementSpec admit(String sql, TenantId tenant, RequestId request, UserId user, String feature,
            Credits amount, Actor actor, Instant now) {
        return jdbc.sql(sql)
                .param("tenant", tenant.value()).param("user", user.value()).param("request", request.value())
                .param("feature", feature).param("amount", amount.thousandths()).param("actor", actor.name())
                .param("now", now.atOffset(ZoneOffset.UTC));
    }

    Optional<Standing> standing(TenantId tenant, UserId user) {
        return jdbc.sql("""
                select u.active as user_active, coalesce(a.active, false) as allocated,
                       coalesce(a.assigned - a.consumed - a.held, 0) as available,
                       coalesce(a.open_holds, 0) as open_holds, p.max_holds_per_user
                  from users u
                  join pools p on p.tenant_id = u.tenant_id
                  left join accounts a on a.tenant_id = u.tenant_id and a.user_id = u.id
                 where u.tenant_id = ? and u.id = ?
                """)
                .params(tenant.value(), user.value())
                .query((rs, n) -> new Standing(rs.getBoolean("user_active"), rs.getBoolean("allocated"),
                        rs.getLong("available"), rs.getInt("open_holds"), rs.getInt("max_holds_per_user")))
                .optional();
    }

    Optional<Request> request(TenantId tenant, RequestId request) {
        return jdbc.sql(SELECT_REQUEST + " where tenant_id = ? and request_id = ?")
                .params(tenant.value(), request.value()).query(ConsumptionStore::request).optional();
    }

    /**
     * The request, locked, if it is still open to settling or voiding; with the hold it still has to release
     * (none after an expiry, which already released it). Settle and void start from it, so that of two
     * closing calls, or one and the sweeper, the second sees the first's outcome.
     */
    private static final String OPEN_REQUEST = """
                    select user_id, feature, case when status = 'AUTHORIZED' then held else 0 end as release,
                           case when status = 'AUTHORIZED' then 1 else 0 end as closing
                      from consumption_requests
                     where tenant_id = :tenant and request_id = :request and status in ('AUTHORIZED', 'EXPIRED')
                       for update""";

    /** A settled request: whose it was, and their remaining credits after it. */
    record Settlement(UserId userId, long remaining) {
    }

    /**
     * Records the whole cost as consumed, whatever the balance (the work is done), and releases the hold
     * if it is still open (an expired hold was already released). One statement, committing on its own:
     * it locks the request row (the lock order: request, then account), so of two settles, a settle and a
     * void, or a settle and the sweeper, the second sees the first's outcome. Empty when the request is not
     * open to settling (unknown, already settled or voided). A closed allocation that a late settle drives
     * below zero is reopened, so the debt stays visible in the table.
     */
    Optional<Settlement> settle(TenantId tenant, RequestId request, Credits cost, Actor actor, Instant now) {
        return jdbc.sql("""
                with cur as (""" + OPEN_REQUEST + """
                ), acc as (
                    update accounts a
                       set consumed = a.consumed + :cost, held = a.held - cur.release,
                           open_holds = a.open_holds - cur.closing,
                           active = a.active or a.assigned - a.consumed - :cost <> 0,
                           updated_at = :now
                      from cur
                     where a.tenant_id = :tenant and a.user_id = cur.user_id
                    returning a.user_id, a.assigned - a.consumed as remaining, a.held, cur.release, cur.feature
                ), req as (
                    update consumption_requests r
                       set status = 'SETTLED', cost = :cost, remaining_after = acc.remaining, finished_at = :now
                      from acc
                     where r.tenant_id = :tenant and r.request_id = :request
                ), entry as (
                    insert into ledger_entries (tenant_id, user_id, type, credits, consumed_delta, held_delta,
                        remaining_before, remaining_after, held_after, actor, feature, request_id, at)
                    select :tenant, acc.user_id, 'SETTLE', :cost, :cost, -acc.release, acc.remaining + :cost,
                        acc.remaining, acc.held, :actor, acc.feature, :request, :now
                      from acc
                )
                select user_id, remaining from acc
                """)
                .param("tenant", tenant.value()).param("request", request.value())
                .param("cost", cost.thousandths()).param("actor", actor.name()).param("now", now.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new Settlement(new UserId(rs.getObject("user_id", UUID.class)), rs.getLong("remaining")))
                .optional();
    }

    /**
     * Releases the hold if still open and marks the request voided; nothing is consumed. One statement, like
     * settle. Empty when the request is not open (unknown, settled or already voided).
     */
    Optional<UserId> voidRequest(TenantId tenant, RequestId request, Actor actor, Instant now) {
        return jdbc.sql("""
                with cur as (""" + OPEN_REQUEST + """
                ), acc as (
                    update accounts a
                       set held = a.held - cur.release, open_holds = a.open_holds - cur.closing, updated_at = :now
                      from cur
                     where a.tenant_id = :tenant and a.user_id = cur.user_id
                    returning a.user_id, a.assigned - a.consumed as remaining, a.held, cur.release, cur.feature
                ), req as (
                    update consumption_requests r set status = 'VOIDED', finished_at = :now
                      from acc
                     where r.tenant_id = :tenant and r.request_id = :request
                ), entry as (
                    insert into ledger_entries (tenant_id, user_id, type, credits, held_delta, remaining_before,
                        remaining_after, held_after, actor, feature, request_id, at)
                    select :tenant, acc.user_id, 'VOID', acc.release, -acc.release, acc.remaining, acc.remaining,
                        acc.held, :actor, acc.feature, :request, :now
                      from acc
                )
                select user_id from acc
                """)
                .param("tenant", tenant.value()).param("request", request.value())
                .param("actor", actor.name()).param("now", now.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new UserId(rs.getObject("user_id", UUID.class))).optional();
    }

    /** The tenant and user of a hold released by the sweeper. */
    record Expired(TenantId tenantId, UserId userId) {
    }

    /**
     * Expires one overdue hold, if any is not being settled right now. SKIP LOCKED lets several sweepers
     * (one per instance) and settles run side by side; the status check is re-evaluated under the row lock,
     * so a hold settled a moment ago is never released a second time.
     */
    List<Expired> expireOne(Instant now) {
        return jdbc.sql("""
                with due as (
                    select tenant_id, request_id from consumption_requests
                     where status = 'AUTHORIZED' and expires_at <= :now
                     limit 1
                       for update skip locked
                ), req as (
                    update consumption_requests c set status = 'EXPIRED', finished_at = :now
                      from due where c.tenant_id = due.tenant_id and c.request_id = due.request_id
                    returning c.tenant_id, c.request_id, c.user_id, c.held, c.feature
                ), acc as (
                    update accounts a set held = a.held - req.held, open_holds = a.open_holds - 1, updated_at = :now
                      from req where a.tenant_id = req.tenant_id and a.user_id = req.user_id
                    returning a.tenant_id, a.user_id, a.assigned - a.consumed as remaining, a.held,
                              req.request_id, req.held as released, req.feature
                ), entry as (
                    insert into ledger_entries (tenant_id, user_id, type, credits, held_delta, remaining_before,
                        remaining_after, held_after, actor, feature, request_id, at)
                    select tenant_id, user_id, 'EXPIRE', released, -released, remaining, remaining, held,
                        'system', feature, request_id, :now
                      from acc
                )
                select tenant_id, user_id from acc
                """)
                .param("now", now.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new Expired(new TenantId(rs.getObject(1, UUID.class)),
                        new UserId(rs.getObject(2, UUID.class))))
                .list();
    }

    /**
     * Open holds of every tenant, for the operators' gauge. Like the expiry sweep it spans all tenants; it
     * reads only the partial index of open holds, so it stays cheap however long the history grows.
     */
    long openHolds() {
        return jdbc.sql("select count(*) from consumption_requests where status = 'AUTHORIZED'")
                .query(Long.class).single();
    }

    private static final String SELECT_REQUEST = """
            select user_id, feature, status, held, cost, available_after, remaining_after, created_at, expires_at,
                   finished_at
              from consumption_requests
            """;

    private static Admission admission(ResultSet rs, int n) throws SQLException {
        return new Admission(rs.getLong("remaining"), rs.getLong("held"));
    }

    private static Request request(ResultSet rs, int n) throws SQLException {
        Instant expiresAt = instant(rs, "expires_at");
        return new Request(new UserId(rs.getObject("user_id", UUID.class)), rs.getString("feature"),
                Status.valueOf(rs.getString("status")), rs.getLong("held"), rs.getObject("cost", Long.class),
                rs.getLong("available_after"), rs.getObject("remaining_after", Long.class),
                instant(rs, "created_at"), expiresAt, instant(rs, "finished_at"), expiresAt == null);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}

package com.aicredits.ledger;

import static com.aicredits.shared.SqlTime.at;
import static com.aicredits.shared.SqlTime.instant;

import com.aicredits.ledger.RequestState.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for finishing AI requests: settle, void, the sweeper's expiry and the settle deadline. The lifecycle
 * these statements walk is the table {@code request_transitions} (V7__ledger_rules_and_lifecycle.sql), and a
 * trigger there refuses any other change of status. Each statement locks the request row first (the lock
 * order: request, then account), so of two closing calls, or one and the sweeper, the second sees the first's
 * outcome; each commits on its own.
 */
@Repository
class RequestStore {

    private final JdbcClient jdbc;
    private final RoundShape rounds;

    RequestStore(JdbcClient jdbc, RoundShape rounds) {
        this.jdbc = jdbc;
        this.rounds = rounds;
    }

    record Request(UserId userId, String feature, Status status, long held, Long cost, long availableAfter,
            Long remainingAfter, Instant createdAt, Instant expiresAt, Instant settleBy, Instant finishedAt,
            boolean charge) {
    }

    /**
     * A settled or voided request: whose it was, their figures after it and the hold it gave back (the figures
     * before follow from these and the cost).
     */
    record Settlement(UserId userId, long remaining, long held, long assigned, long release) {
    }

    /**
     * Settles (a cost) or voids (none) a request in flight before its settle deadline: credits_finish
     * (V30__admission_functions.sql), one round trip. It gives back the hold if still held (an expiry gave it back
     * already) and always the in-flight slot.
     */
    static final String FINISH = """
            select user_id, remaining, held, assigned, release from credits_finish(:tenant, :request, :cost, :actor, :now)""";

    /**
     * Records the whole cost as consumed, whatever the balance (the work is done), and gives back the hold and
     * the in-flight slot. Empty when the request is not in flight (unknown, settled, voided, or past its
     * deadline). A closed allocation that a late settle takes away from zero is reopened, so the debt stays
     * visible in the table.
     */
    Optional<Settlement> settle(TenantId tenant, RequestId request, Credits cost, Actor actor, Instant now) {
        return jdbc.sql(FINISH)
                .param("tenant", tenant.value()).param("request", request.value())
                .param("cost", cost.thousandths()).param("actor", actor.name()).param("now", at(now))
                .query(RequestStore::settlement).optional();
    }

    /** Gives back the hold (if still held) and the in-flight slot; nothing is consumed. Empty like settle. */
    Optional<Settlement> voidRequest(TenantId tenant, RequestId request, Actor actor, Instant now) {
        return jdbc.sql(FINISH)
                .param("tenant", tenant.value()).param("request", request.value()).param("cost", null, Types.BIGINT)
                .param("actor", actor.name()).param("now", at(now))
                .query(RequestStore::settlement).optional();
    }

    /**
     * Settles a round of requests: credits_settle_round (V33__hold_rounds.sql), one round trip and one commit. Answers
     * the settled items by their index in the round; an item missing was not in flight (unknown, finished, or past its
     * deadline).
     */
    static final String SETTLE_ROUND = """
            select item, user_id, remaining, held, assigned, release
              from credits_settle_round(:tenant, cast(:requests as text[]), cast(:costs as bigint[]), :actor, :now)""";
    /** The same round item by item, for Citus (V38__rounds_item_by_item.sql, {@link RoundShape}). */
    static final String SETTLE_ITEMS = SETTLE_ROUND.replace("credits_settle_round", "credits_settle_items");

    Map<Integer, Settlement> settleRound(TenantId tenant, List<RequestId> round, List<Credits> costs, Actor actor,
            Instant now) {
        var settled = new HashMap<Integer, Settlement>();
        jdbc.sql(rounds.pick(SETTLE_ROUND, SETTLE_ITEMS))
                .param("tenant", tenant.value())
                .param("requests", round.stream().map(RequestId::value).toArray(String[]::new))
                .param("costs", costs.stream().mapToLong(Credits::thousandths).toArray())
                .param("actor", actor.name()).param("now", at(now))
                .query((rs, n) -> settled.put(rs.getInt("item") - 1, settlement(rs, n)))
                .list();
        return settled;
    }

    private static Settlement settlement(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Settlement(new UserId(rs.getObject("user_id", UUID.class)), rs.getLong("remaining"), rs.getLong("held"),
                rs.getLong("assigned"), rs.getLong("release"));
    }

    /** The tenant and user of a request the sweeper moved on. */
    record Swept(TenantId tenantId, UserId userId) {
    }

    /**
     * The tenants with a hold past its time-to-live. The sweep finds them first and then expires their holds tenant
     * by tenant: a lock is taken only in a statement that names its tenant, which on Citus keeps each such
     * statement on the tenant's one node (Citus refuses FOR UPDATE in a query over every shard).
     */
    List<TenantId> tenantsWithDueHolds(Instant now) {
        return jdbc.sql("select distinct tenant_id from consumption_requests where status = 'AUTHORIZED' and expires_at <= ?")
                .param(at(now)).query((rs, n) -> new TenantId(rs.getObject(1, UUID.class))).list();
    }

    /** The tenants with an expired request still in flight past its settle deadline; see {@link #tenantsWithDueHolds}. */
    List<TenantId> tenantsWithLapsedRequests(Instant now) {
        return jdbc.sql("select distinct tenant_id from consumption_requests where status = 'EXPIRED' and in_flight and settle_by <= ?")
                .param(at(now)).query((rs, n) -> new TenantId(rs.getObject(1, UUID.class))).list();
    }

    /**
     * Expires one overdue hold of the tenant, if any is not being settled right now: its credits go back to the
     * user at once, but the request keeps its in-flight slot until it is settled, voided or its deadline passes,
     * which is what bounds the overdraft (SPEC, "The overdraft bound, made exact"). SKIP LOCKED lets several
     * sweepers (one per instance) and settles run side by side; the status check is re-evaluated under the row
     * lock, so a hold settled a moment ago is never released a second time.
     */
    List<Swept> expireOne(TenantId tenant, Instant now) {
        return jdbc.sql(EXPIRE_ONE).param("tenant", tenant.value()).param("now", at(now))
                .query((rs, n) -> new Swept(tenant, new UserId(rs.getObject(1, UUID.class)))).list();
    }

    /** credits_expire_one (V30__admission_functions.sql): the user whose hold it expired, if any. */
    static final String EXPIRE_ONE = "select user_id from credits_expire_one(:tenant, :now)";

    /**
     * Ends one expired request of the tenant whose settle deadline has passed: it gives back its in-flight slot and
     * becomes final (a settle now is refused with REQUEST_EXPIRED). No credits move, so no ledger entry is written.
     */
    List<Swept> lapseOne(TenantId tenant, Instant now) {
        return jdbc.sql(LAPSE_ONE).param("tenant", tenant.value()).param("now", at(now))
                .query(RequestStore::swept).list();
    }

    static final String LAPSE_ONE = """
            with due as (
                select request_id from consumption_requests
                 where tenant_id = :tenant and status = 'EXPIRED' and in_flight and settle_by <= :now
                 limit 1
                   for update skip locked
            ), req as (
                update consumption_requests c set in_flight = false
                  from due where c.tenant_id = :tenant and c.request_id = due.request_id
                returning c.user_id
            ), acc as (
                update accounts a set open_holds = a.open_holds - 1, updated_at = :now
                  from req where a.tenant_id = :tenant and a.user_id = req.user_id
                returning a.tenant_id, a.user_id
            )
            select tenant_id, user_id from acc
            """;

    Optional<Request> request(TenantId tenant, RequestId request) {
        return jdbc.sql("""
                select user_id, feature, status, held, cost, available_after, remaining_after, created_at, expires_at,
                       settle_by, finished_at
                  from consumption_requests where tenant_id = ? and request_id = ?
                """)
                .params(tenant.value(), request.value()).query(RequestStore::request).optional();
    }

    /**
     * Open holds of every tenant, for the operators' gauge. Like the expiry sweep it spans all tenants; it
     * reads only the partial index of open holds, so it stays cheap however long the history grows.
     */
    long openHolds() {
        return jdbc.sql("select count(*) from consumption_requests where status = 'AUTHORIZED'")
                .query(Long.class).single();
    }

    private static Swept swept(ResultSet rs, int n) throws SQLException {
        return new Swept(new TenantId(rs.getObject(1, UUID.class)), new UserId(rs.getObject(2, UUID.class)));
    }

    private static Request request(ResultSet rs, int n) throws SQLException {
        Instant expiresAt = instant(rs, "expires_at");
        return new Request(new UserId(rs.getObject("user_id", UUID.class)), rs.getString("feature"),
                Status.valueOf(rs.getString("status")), rs.getLong("held"), rs.getObject("cost", Long.class),
                rs.getLong("available_after"), rs.getObject("remaining_after", Long.class),
                instant(rs, "created_at"), expiresAt, instant(rs, "settle_by"), instant(rs, "finished_at"),
                expiresAt == null);
    }
}

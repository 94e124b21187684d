package com.aicredits.ledger;

import com.aicredits.ledger.AdmissionStore.Admission;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for a batch of charges, run inside one transaction. The accounts the batch touches are locked first, in
 * user id order, so two batches over the same users wait for each other instead of deadlocking, and a single
 * charge (one row lock) simply queues behind. Then each round (at most one item per user and per request id)
 * is one statement over arrays: the account update carries the same admission rule as {@link AdmissionStore}'s
 * charge ({@code admission_refusal} and {@code credits_available} in V7__ledger_rules_and_lifecycle.sql, decided
 * under the row lock), and the request row and ledger entry are written from its rows, so an item is applied
 * exactly as {@code POST /consumption/charge} would apply it.
 *
 * <p>Unlike the single statement, a round cannot let a duplicate request id fail it (that would fail every
 * item in the transaction), so it skips the items whose request id is already recorded: the caller reads
 * those back and answers the first outcome. Only a request id inserted concurrently by another transaction
 * for another user can still fail the statement; the caller then runs the batch again.
 */
@Repository
class ChargeBatchStore {

    private final JdbcClient jdbc;
    private final RoundShape rounds;

    ChargeBatchStore(JdbcClient jdbc, RoundShape rounds) {
        this.jdbc = jdbc;
        this.rounds = rounds;
    }

    /** One item of a round; {@code position} is its index in the batch. */
    record Item(int position, RequestId request, UserId user, String feature, long amount) {
    }

    static final String CHARGE_ROUND = """
            with items as (
                select * from unnest(cast(:requests as text[]), cast(:users as uuid[]), cast(:features as text[]),
                                     cast(:amounts as bigint[]), cast(:positions as int[]))
                    as i(request_id, user_id, feature, amount, position)
            ), acc as (
                update accounts a
                   set consumed = a.consumed + i.amount, entry_count = a.entry_count + 1, updated_at = :now
                  from items i, pools p, people u
                 where a.tenant_id = :tenant and a.user_id = i.user_id
                   and p.tenant_id = :tenant and u.tenant_id = :tenant and u.id = i.user_id
                   and admission_refusal(u.active, a.active, credits_available(a.assigned, a.consumed, a.held),
                                         a.open_holds, p.max_holds_per_user) is null
                   and not exists (select 1 from consumption_requests r
                                    where r.tenant_id = :tenant and r.request_id = i.request_id)
                returning i.position, i.request_id, i.user_id, i.feature, i.amount,
                          a.assigned - a.consumed as remaining, a.held, a.assigned, a.entry_count as seq
            ), req as (
                insert into consumption_requests (tenant_id, request_id, user_id, feature, status, held, cost,
                    available_after, remaining_after, created_at, finished_at)
                select :tenant, acc.request_id, acc.user_id, acc.feature, 'SETTLED', 0, acc.amount,
                    acc.remaining - acc.held, acc.remaining, :now, :now
                  from acc
                returning request_id
            ), entry as (
            """ + LedgerEntrySql.insert("""
                tenant_id = :tenant
                user_id = acc.user_id
                user_seq = acc.seq
                type = 'CHARGE'
                credits = acc.amount
                consumed_delta = acc.amount
                remaining_before = acc.remaining + acc.amount
                remaining_after = acc.remaining
                held_after = acc.held
                actor = :actor
                feature = acc.feature
                request_id = req.request_id
                at = :now
                """, "from acc join req on req.request_id = acc.request_id") + """
            )
            select acc.position, acc.remaining, acc.held, acc.assigned from acc
            """;

    /** The same round item by item, for Citus (V38__rounds_item_by_item.sql, {@link RoundShape}). */
    static final String CHARGE_ITEMS = """
            select position, remaining, held, assigned
              from credits_charge_items(:tenant, cast(:requests as text[]), cast(:users as uuid[]),
                                        cast(:features as text[]), cast(:amounts as bigint[]), cast(:positions as int[]),
                                        :actor, :now)""";

    static final String LOCK_ACCOUNTS = """
            select user_id from accounts
             where tenant_id = :tenant and user_id = any(cast(:users as uuid[]))
             order by user_id for update""";

    static final String LOCK_FREE_ACCOUNTS = """
            select user_id from accounts
             where tenant_id = :tenant and user_id = any(cast(:users as uuid[]))
               for update skip locked""";

    /** Whether the tenant has its pool (every tenant has one from its creation). */
    boolean tenantExists(TenantId tenant) {
        return jdbc.sql("select exists (select 1 from pools where tenant_id = ?)").param(tenant.value())
                .query(Boolean.class).single();
    }

    /** Locks the accounts of these users (those that have one) in a fixed order, until the transaction ends. */
    void lockAccounts(TenantId tenant, List<UserId> users) {
        jdbc.sql(LOCK_ACCOUNTS)
                .param("tenant", tenant.value())
                .param("users", users.stream().map(u -> u.value().toString()).toArray(String[]::new))
                .query((rs, n) -> rs.getObject(1)).list();
    }

    /** Locks the accounts of these users that no other transaction holds now, skipping the others; answers whose. */
    java.util.Set<UserId> lockFreeAccounts(TenantId tenant, List<UserId> users) {
        return new java.util.HashSet<>(jdbc.sql(LOCK_FREE_ACCOUNTS)
                .param("tenant", tenant.value())
                .param("users", users.stream().map(u -> u.value().toString()).toArray(String[]::new))
                .query((rs, n) -> new UserId(rs.getObject(1, java.util.UUID.class))).list());
    }

    /** Applies one round; answers the admitted items' figures after their charge, by position. */
    Map<Integer, Admission> chargeRound(TenantId tenant, List<Item> round, Actor actor, Instant now) {
        var admitted = new HashMap<Integer, Admission>();
        jdbc.sql(rounds.pick(CHARGE_ROUND, CHARGE_ITEMS))
                .param("tenant", tenant.value())
                .param("requests", round.stream().map(i -> i.request().value()).toArray(String[]::new))
                .param("users", round.stream().map(i -> i.user().value().toString()).toArray(String[]::new))
                .param("features", round.stream().map(Item::feature).toArray(String[]::new))
                .param("amounts", round.stream().mapToLong(Item::amount).toArray())
                .param("positions", round.stream().mapToInt(Item::position).toArray())
                .param("actor", actor.name())
                .param("now", now.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> admitted.put(rs.getInt("position"),
                        new Admission(rs.getLong("remaining"), rs.getLong("held"), rs.getLong("assigned"))))
                .list();
        return admitted;
    }
}

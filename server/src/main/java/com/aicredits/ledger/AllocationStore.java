package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for the operations that move credits between the pool and accounts. Callers lock the pool row
 * first ({@link #lockPool}), which serialises a tenant's admin operations and fixes the lock order
 * pool → account; the balance rules still live in each UPDATE's WHERE clause.
 */
@Repository
class AllocationStore {

    /** Guards the BIGINT sums: a tenant's pool stays far below Long.MAX_VALUE thousandths. */
    static final long MAX_POOL_THOUSANDTHS = 1_000_000_000_000_000L;

    private final JdbcClient jdbc;

    AllocationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Pool(long purchased, long assigned) {
        long unassigned() {
            return purchased - assigned;
        }
    }

    /** Lifetime figures; {@code assignedBeforeOpening} marks where the current allocation began (V9). */
    record Account(long assigned, long consumed, long held, boolean active, long assignedBeforeOpening) {
        long remaining() {
            return assigned - consumed;
        }

        /** What was assigned to the current allocation, as account_standing (V9) shows it. */
        Credits assignedSinceOpening() {
            return new Credits(assigned - assignedBeforeOpening);
        }

        /** What the current allocation consumed, as account_standing (V9) shows it. */
        Credits consumedSinceOpening() {
            return new Credits(consumed - assignedBeforeOpening);
        }
    }

    void openPool(TenantId tenant) {
        jdbc.sql("insert into pools (tenant_id) values (?) on conflict do nothing").param(tenant.value()).update();
    }

    Optional<Pool> lockPool(TenantId tenant) {
        return jdbc.sql("select purchased, assigned from pools where tenant_id = ? for update")
                .param(tenant.value())
                .query((rs, n) -> new Pool(rs.getLong(1), rs.getLong(2))).optional();
    }

    /** Adds purchased credits, unless the pool would exceed its ceiling. */
    Optional<Pool> purchase(TenantId tenant, Credits credits) {
        return jdbc.sql("""
                update pools set purchased = purchased + :credits
                 where tenant_id = :tenant and purchased + :credits <= :max
                returning purchased, assigned
                """)
                .param("tenant", tenant.value()).param("credits", credits.thousandths())
                .param("max", MAX_POOL_THOUSANDTHS)
                .query((rs, n) -> new Pool(rs.getLong(1), rs.getLong(2))).optional();
    }

    /**
     * Row-locks the accounts of these users (those that exist), in user id order. A transaction that changes several
     * accounts takes all their locks first, in the order every such transaction uses, so two of them queue instead
     * of deadlocking.
     */
    void lockAccounts(TenantId tenant, List<UserId> users) {
        if (users.isEmpty()) {
            return;
        }
        jdbc.sql("select user_id from accounts where tenant_id = ? and user_id = any(?) order by user_id for update")
                .params(tenant.value(), users.stream().map(UserId::value).toArray(UUID[]::new))
                .query(UUID.class).list();
    }

    /** The user's account, row-locked until the transaction ends (after the pool: one lock order); empty without one. */
    Optional<Account> lockAccount(TenantId tenant, UserId user) {
        return jdbc.sql("select assigned, consumed, held, active, assigned_before_opening from accounts where tenant_id = ? and user_id = ? for update")
                .params(tenant.value(), user.value()).query(AllocationStore::account).optional();
    }

    /** Takes credits out of the unassigned pool; empty when the pool has fewer unassigned credits. */
    Optional<Pool> takeFromPool(TenantId tenant, Credits credits) {
        return jdbc.sql("""
                update pools set assigned = assigned + :credits
                 where tenant_id = :tenant and purchased - assigned >= :credits
                returning purchased, assigned
                """)
                .param("tenant", tenant.value()).param("credits", credits.thousandths())
                .query((rs, n) -> new Pool(rs.getLong(1), rs.getLong(2))).optional();
    }

    Pool returnToPool(TenantId tenant, Credits credits) {
        return jdbc.sql("update pools set assigned = assigned - :credits where tenant_id = :tenant returning purchased, assigned")
                .param("tenant", tenant.value()).param("credits", credits.thousandths())
                .query((rs, n) -> new Pool(rs.getLong(1), rs.getLong(2))).single();
    }

    /**
     * Opens an allocation: creates the account, or reopens a closed one (keeping its consumption).
     * Empty when the user already has an active allocation.
     */
    Optional<Account> open(TenantId tenant, UserId user, Credits credits, Instant now) {
        return jdbc.sql("""
                insert into accounts as a (tenant_id, user_id, assigned, active, opened_at, updated_at)
                values (:tenant, :user, :credits, true, :now, :now)
                on conflict (tenant_id, user_id) do update
                   set assigned = a.assigned + excluded.assigned, active = true, assigned_before_opening = a.assigned,
                       opened_at = excluded.opened_at, updated_at = excluded.updated_at
                 where not a.active
                returning assigned, consumed, held, active, assigned_before_opening
                """)
                .param("tenant", tenant.value()).param("user", user.value())
                .param("credits", credits.thousandths()).param("now", now.atOffset(ZoneOffset.UTC))
                .query(AllocationStore::account).optional();
    }

    /** Adds to an active allocation; empty when there is none. */
    Optional<Account> add(TenantId tenant, UserId user, Credits credits, Instant now) {
        return jdbc.sql("""
                update accounts set assigned = assigned + :credits, updated_at = :now
                 where tenant_id = :tenant and user_id = :user and active
                returning assigned, consumed, held, active, assigned_before_opening
                """)
                .param("tenant", tenant.value()).param("user", user.value())
                .param("credits", credits.thousandths()).param("now", now.atOffset(ZoneOffset.UTC))
                .query(AllocationStore::account).optional();
    }

    /**
     * Takes unused credits back: at most the removable credits (credits_removable), so neither consumed nor
     * held credits are ever reclaimed. The allocation closes when its remaining reaches exactly zero. Empty
     * when refused.
     */
    Optional<Account> remove(TenantId tenant, UserId user, Credits credits, Instant now) {
        return jdbc.sql("""
                update accounts
                   set assigned = assigned - :credits,
                       active = (assigned - :credits - consumed) <> 0,
                       updated_at = :now
                 where tenant_id = :tenant and user_id = :user and active
                   and credits_removable(assigned, consumed, held) >= :credits
                returning assigned, consumed, held, active, assigned_before_opening
                """)
                .param("tenant", tenant.value()).param("user", user.value())
                .param("credits", credits.thousandths()).param("now", now.atOffset(ZoneOffset.UTC))
                .query(AllocationStore::account).optional();
    }

    /**
     * The removable credits of a deactivated user's active allocation, its row locked until the transaction ends;
     * empty without one, or once the user is active again (a reactivation gives nothing back, and takes nothing).
     */
    Optional<Credits> lockReclaimable(TenantId tenant, UserId user) {
        return jdbc.sql("""
                select credits_removable(a.assigned, a.consumed, a.held) from accounts a
                 where a.tenant_id = ? and a.user_id = ? and a.active
                   and not exists (select 1 from people u where u.tenant_id = ? and u.id = ? and u.active)
                   for update
                """)
                .params(tenant.value(), user.value(), tenant.value(), user.value())
                .query((rs, n) -> new Credits(rs.getLong(1))).optional();
    }

    /** A deactivated user who could give credits back. */
    record Leftover(TenantId tenant, UserId user) {
    }

    /**
     * Deactivated users with removable credits, in the tenants that reclaim at deactivation (V12's default: they
     * do): what requests still running at the deactivation gave back when they finished. At most {@code limit};
     * {@code tenant} null for every tenant.
     */
    List<Leftover> leftovers(TenantId tenant, int limit) {
        return jdbc.sql("""
                select u.tenant_id, u.id
                  from people u
                  join accounts a on a.tenant_id = u.tenant_id and a.user_id = u.id
                  left join tenant_settings s on s.tenant_id = u.tenant_id
                 where not u.active and a.active and credits_removable(a.assigned, a.consumed, a.held) > 0
                   and coalesce(s.reclaim_on_deactivate, true)
                   and (cast(:tenant as uuid) is null or u.tenant_id = :tenant)
                 limit :limit
                """)
                .param("tenant", tenant == null ? null : tenant.value()).param("limit", limit)
                .query((rs, n) -> new Leftover(new TenantId(rs.getObject(1, UUID.class)),
                        new UserId(rs.getObject(2, UUID.class))))
                .list();
    }

    /**
     * Closes an allocation that has nothing left to remove and nothing held: remaining at or below zero. Its
     * consumption (and a debt below zero) stays in the account and the history; a later assign reopens it.
     * Empty when there is no active allocation, or something could still be removed or is held.
     */
    Optional<Account> end(TenantId tenant, UserId user, Instant now) {
        return jdbc.sql("""
                update accounts set active = false, updated_at = :now
                 where tenant_id = :tenant and user_id = :user and active
                   and held = 0 and credits_removable(assigned, consumed, held) = 0
                returning assigned, consumed, held, active, assigned_before_opening
                """)
                .param("tenant", tenant.value()).param("user", user.value()).param("now", now.atOffset(ZoneOffset.UTC))
                .query(AllocationStore::account).optional();
    }

    Optional<Entry> entryByIdempotencyKey(TenantId tenant, String key) {
        return jdbc.sql(LedgerQueries.SELECT_ENTRY + " where tenant_id = ? and idempotency_key = ?")
                .params(tenant.value(), key).query(LedgerQueries::entry).optional();
    }

    private static final String APPEND = LedgerEntrySql.insert("""
            tenant_id = :tenant
            user_id = :user
            user_seq = :userSeq
            type = :type
            credits = :credits
            purchased_delta = :purchasedDelta
            assigned_delta = :assignedDelta
            remaining_before = :remainingBefore
            remaining_after = :remainingAfter
            held_after = :heldAfter
            unassigned_before = :unassignedBefore
            unassigned_after = :unassignedAfter
            pool_seq = :poolSeq
            note = :note
            actor = :actor
            reference = :reference
            idempotency_key = :key
            at = :at
            opens_allocation = :opens
            """, "") + " returning public_id";

    /**
     * Appends the entry of a purchase or an allocation change, in the caller's transaction; returns its public id. The
     * entry takes the next place in the chains it belongs to from the counters of the rows it changed, its user's
     * account and the pool, which the caller's transaction holds locked already. Three statements, each on the
     * tenant's rows alone (on Citus: on the tenant's node), rather than one with the counters' updates as CTEs, whose
     * rows Citus would insert through the coordinator.
     */
    UUID append(TenantId tenant, EntryDraft e) {
        Long userSeq = e.userId() == null ? null : jdbc.sql("""
                update accounts set entry_count = entry_count + 1 where tenant_id = ? and user_id = ? returning entry_count""")
                .params(tenant.value(), e.userId().value()).query(Long.class).single();
        Long poolSeq = e.unassignedAfter() == null ? null : jdbc.sql("""
                update pools set entry_count = entry_count + 1 where tenant_id = ? returning entry_count""")
                .param(tenant.value()).query(Long.class).single();
        return jdbc.sql(APPEND)
                .param("tenant", tenant.value())
                .param("userSeq", userSeq, Types.BIGINT)
                .param("poolSeq", poolSeq, Types.BIGINT)
                .param("user", e.userId() == null ? null : e.userId().value(), Types.OTHER)
                .param("type", e.type().name())
                .param("credits", e.credits().thousandths())
                .param("purchasedDelta", e.purchasedDelta().thousandths())
                .param("assignedDelta", e.assignedDelta().thousandths())
                .param("remainingBefore", thousandths(e.remainingBefore()), Types.BIGINT)
                .param("remainingAfter", thousandths(e.remainingAfter()), Types.BIGINT)
                .param("heldAfter", thousandths(e.heldAfter()), Types.BIGINT)
                .param("unassignedBefore", thousandths(e.unassignedBefore()), Types.BIGINT)
                .param("unassignedAfter", thousandths(e.unassignedAfter()), Types.BIGINT)
                .param("note", e.note(), Types.VARCHAR)
                .param("actor", e.actor().name())
                .param("reference", e.reference(), Types.VARCHAR)
                .param("key", e.idempotencyKey(), Types.VARCHAR)
                .param("at", e.at().atOffset(ZoneOffset.UTC))
                .param("opens", e.opensAllocation())
                .query(UUID.class).single();
    }

    private static Long thousandths(Credits credits) {
        return credits == null ? null : credits.thousandths();
    }

    static Account account(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Account(rs.getLong("assigned"), rs.getLong("consumed"), rs.getLong("held"), rs.getBoolean("active"),
                rs.getLong("assigned_before_opening"));
    }
}

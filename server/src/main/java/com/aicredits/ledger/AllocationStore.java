package com.aicredits.ledger;

import com.aicredits.directory.TenantId;
import com.aicredits.directory.UserId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
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

    record Account(long assigned, long consumed, long held, boolean active) {
        long remaining() {
            return assigned - consumed;
        }

        long removable() {
            return Math.max(0, assigned - consumed - held);
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

    Optional<Account> account(TenantId tenant, UserId user) {
        return jdbc.sql("select assigned, consumed, held, active from accounts where tenant_id = ? and user_id = ?")
                .params(tenant.value(), user.value()).query(AllocationStore::account).optional();
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
                   set assigned = a.assigned + excluded.assigned, active = true,
                       opened_at = excluded.opened_at, updated_at = excluded.updated_at
                 where not a.active
                returning assigned, consumed, held, active
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
                returning assigned, consumed, held, active
                """)
                .param("tenant", tenant.value()).param("user", user.value())
                .param("credits", credits.thousandths()).param("now", now.atOffset(ZoneOffset.UTC))
                .query(AllocationStore::account).optional();
    }

    /**
     * Takes unused credits back: at most remaining - held, so neither consumed nor held credits are ever
     * reclaimed. The allocation closes when its remaining reaches exactly zero. Empty when refused.
     */
    Optional<Account> remove(TenantId tenant, UserId user, Credits credits, Instant now) {
        return jdbc.sql("""
                update accounts
                   set assigned = assigned - :credits,
                       active = (assigned - :credits - consumed) <> 0,
                       updated_at = :now
                 where tenant_id = :tenant and user_id = :user and active
                   and assigned - consumed - held >= :credits
                returning assigned, consumed, held, active
                """)
                .param("tenant", tenant.value()).param("user", user.value())
                .param("credits", credits.thousandths()).param("now", now.atOffset(ZoneOffset.UTC))
                .query(AllocationStore::account).optional();
    }

    Optional<Entry> entryByIdempotencyKey(TenantId tenant, String key) {
        return jdbc.sql(LedgerQueries.SELECT_ENTRY + " where tenant_id = ? and idempotency_key = ?")
                .params(tenant.value(), key).query(LedgerQueries::entry).optional();
    }

    long append(TenantId tenant, EntryDraft e) {
        return jdbc.sql("""
                insert into ledger_entries (tenant_id, user_id, type, credits, purchased_delta, assigned_delta,
                    remaining_before, remaining_after, held_after, unassigned_before, unassigned_after,
                    note, actor, reference, idempotency_key, at)
                values (:tenant, :user, :type, :credits, :purchasedDelta, :assignedDelta,
                    :remainingBefore, :remainingAfter, :heldAfter, :unassignedBefore, :unassignedAfter,
                    :note, :actor, :reference, :key, :at)
                returning id
                """)
                .param("tenant", tenant.value())
                .param("user", e.userId() == null ? null : e.userId().value(), java.sql.Types.OTHER)
                .param("type", e.type().name())
                .param("credits", e.credits().thousandths())
                .param("purchasedDelta", e.purchasedDelta())
                .param("assignedDelta", e.assignedDelta())
                .param("remainingBefore", e.remainingBefore(), java.sql.Types.BIGINT)
                .param("remainingAfter", e.remainingAfter(), java.sql.Types.BIGINT)
                .param("heldAfter", e.heldAfter(), java.sql.Types.BIGINT)
                .param("unassignedBefore", e.unassignedBefore(), java.sql.Types.BIGINT)
                .param("unassignedAfter", e.unassignedAfter(), java.sql.Types.BIGINT)
                .param("note", e.note(), java.sql.Types.VARCHAR)
                .param("actor", e.actor().name())
                .param("reference", e.reference(), java.sql.Types.VARCHAR)
                .param("key", e.idempotencyKey(), java.sql.Types.VARCHAR)
                .param("at", e.at().atOffset(ZoneOffset.UTC))
                .query(Long.class).single();
    }

    private static Account account(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Account(rs.getLong("assigned"), rs.getLong("consumed"), rs.getLong("held"), rs.getBoolean("active"));
    }
}

package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import com.aicredits.ledger.AllocationStore.Pool;
import com.aicredits.ledger.BulkPreview.Figures;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The statements a bulk change needs besides each row's account statement, one each whatever the number of rows (up
 * to 10,000): who the rows name, through the directory's read view {@code people}; their figures before, from their
 * accounts; and the pool and the entries, written once for all rows.
 * <p>Why once: a row cost five round trips when it ran the single operation's statements (its account, the pool, the
 * two chain counters and the entry), and the pool row was updated twice a row, 20,000 versions of one row that nothing
 * may prune before the bulk ends. Now a row is one statement (BENCHMARKS.md, "A 10,000-row bulk assign", has the
 * times, which BulkApiTest prints).
 */
@Repository
class BulkStore {

    private final JdbcClient jdbc;

    BulkStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Person(UserId id, String email, boolean active) {
    }

    /** The registered users among those ids and e-mails (e-mails match regardless of case, as they are unique). */
    List<Person> people(TenantId tenant, Collection<UserId> ids, Collection<String> emails) {
        return jdbc.sql("""
                select id, email, active from people
                 where tenant_id = ? and (id = any(?::uuid[]) or lower(email) = any(?::text[]))
                """)
                .params(tenant.value(), ids.stream().map(id -> id.value().toString()).toArray(String[]::new),
                        emails.stream().map(BulkStore::emailKey).toArray(String[]::new))
                .query((rs, n) -> new Person(new UserId(rs.getObject("id", UUID.class)), rs.getString("email"),
                        rs.getBoolean("active")))
                .list();
    }

    /**
     * The table's figures of each user with an account, from the accounts alone, by their keys (a user without one has
     * none: all zero, as {@code account_standing} shows them). Read through that view, which joins each user's row, the
     * planner sized the join by statistics that did not yet count users registered moments before (a directory's
     * import, then a bulk): it expected one, scanned the tenant's accounts once per user, and a 10,000-row read took 24 s.
     */
    Map<UserId, Figures> figures(TenantId tenant, Collection<UserId> users) {
        var figures = new HashMap<UserId, Figures>();
        jdbc.sql("""
                select user_id, assigned, consumed, held, active, assigned_before_opening from accounts
                 where tenant_id = ? and user_id = any(?)
                """)
                .params(tenant.value(), users.stream().map(UserId::value).toArray(UUID[]::new))
                .query(rs -> {
                    figures.put(new UserId(rs.getObject("user_id", UUID.class)), Figures.of(AllocationStore.account(rs, 0)));
                });
        return figures;
    }

    /** The pool after a bulk's move, and the place in the pool's chain of the last of its entries. */
    record PoolMoved(Pool after, long lastSeq) {
    }

    /**
     * Moves the pool's assigned credits by {@code assignedDelta} and takes {@code entries} places in its chain, once for
     * a whole bulk, under the pool lock the bulk holds. The condition is {@link AllocationStore#takeFromPool}'s, for the
     * total: empty when the pool has fewer unassigned credits (the rows were fitted one by one to the locked pool
     * before, so it refuses only what a row would have been refused).
     */
    Optional<PoolMoved> movePool(TenantId tenant, long assignedDelta, int entries) {
        return jdbc.sql("""
                update pools set assigned = assigned + :delta, entry_count = entry_count + :entries
                 where tenant_id = :tenant and purchased - assigned >= :delta
                returning purchased, assigned, entry_count
                """)
                .param("tenant", tenant.value()).param("delta", assignedDelta).param("entries", entries)
                .query((rs, n) -> new PoolMoved(new Pool(rs.getLong(1), rs.getLong(2)), rs.getLong(3))).optional();
    }

    private static final String APPEND_ALL = LedgerEntrySql.insert("""
            tenant_id = :tenant
            user_id = d.user_id
            user_seq = d.user_seq
            type = :type
            credits = d.credits
            assigned_delta = d.assigned_delta
            remaining_before = d.remaining_before
            remaining_after = d.remaining_after
            held_after = d.held_after
            unassigned_before = d.unassigned_before
            unassigned_after = d.unassigned_after
            pool_seq = :firstPoolSeq + d.ord - 1
            note = d.note
            actor = :actor
            idempotency_key = d.idempotency_key
            at = :at
            opens_allocation = d.opens
            """, """
            from unnest(cast(:users as uuid[]), cast(:userSeqs as bigint[]), cast(:credits as bigint[]),
                        cast(:assignedDeltas as bigint[]), cast(:remainingBefore as bigint[]),
                        cast(:remainingAfter as bigint[]), cast(:heldAfter as bigint[]),
                        cast(:unassignedBefore as bigint[]), cast(:unassignedAfter as bigint[]),
                        cast(:notes as text[]), cast(:keys as text[]), cast(:opens as boolean[]))
                   with ordinality as d(user_id, user_seq, credits, assigned_delta, remaining_before, remaining_after,
                                        held_after, unassigned_before, unassigned_after, note, idempotency_key, opens, ord)
             order by d.ord""") + " returning user_id, public_id";

    /**
     * Appends a bulk's entries (one type, actor and time), one per user, in the order given: each takes the next place
     * in its user's chain (the accounts' counters, advanced here for all of them at once) and in the pool's, from
     * {@code firstPoolSeq} on (taken by {@link #movePool}). Returns each user's entry id. On Citus the INSERT … SELECT
     * runs through the coordinator, one two-phase commit for the bulk, as the batch endpoint's rounds do.
     */
    Map<UserId, UUID> appendAll(TenantId tenant, List<EntryDraft> entries, long firstPoolSeq) {
        var first = entries.getFirst();
        if (entries.stream().anyMatch(e -> e.type() != first.type() || !e.actor().equals(first.actor())
                || !e.at().equals(first.at()))) {
            throw new IllegalArgumentException("a bulk's entries have one type, actor and time");
        }
        var users = entries.stream().map(e -> e.userId().value()).toArray(UUID[]::new);
        // The places are read back, not joined into the insert: a join with the accounts just opened is planned from
        // statistics that count none of them, and may scan them once per entry.
        var places = new HashMap<UUID, Long>();
        jdbc.sql("""
                update accounts set entry_count = entry_count + 1 where tenant_id = ? and user_id = any(?)
                returning user_id, entry_count""")
                .params(tenant.value(), users).query(rs -> {
                    places.put(rs.getObject(1, UUID.class), rs.getLong(2));
                });
        var ids = new HashMap<UserId, UUID>();
        jdbc.sql(APPEND_ALL)
                .param("tenant", tenant.value()).param("firstPoolSeq", firstPoolSeq).param("users", users)
                .param("userSeqs", Arrays.stream(users).map(places::get).toArray(Long[]::new))
                .param("type", first.type().name()).param("actor", first.actor().name())
                .param("at", first.at().atOffset(ZoneOffset.UTC))
                .param("credits", figures(entries, EntryDraft::credits))
                .param("assignedDeltas", figures(entries, EntryDraft::assignedDelta))
                .param("remainingBefore", figures(entries, EntryDraft::remainingBefore))
                .param("remainingAfter", figures(entries, EntryDraft::remainingAfter))
                .param("heldAfter", figures(entries, EntryDraft::heldAfter))
                .param("unassignedBefore", figures(entries, EntryDraft::unassignedBefore))
                .param("unassignedAfter", figures(entries, EntryDraft::unassignedAfter))
                .param("notes", column(entries, EntryDraft::note))
                .param("keys", column(entries, EntryDraft::idempotencyKey))
                .param("opens", entries.stream().map(EntryDraft::opensAllocation).toArray(Boolean[]::new))
                .query(rs -> {
                    ids.put(new UserId(rs.getObject(1, UUID.class)), rs.getObject(2, UUID.class));
                });
        return ids;
    }

    private static String[] column(List<EntryDraft> entries, Function<EntryDraft, String> value) {
        return entries.stream().map(value).toArray(String[]::new);
    }

    private static Long[] figures(List<EntryDraft> entries, Function<EntryDraft, Credits> figure) {
        return entries.stream().map(figure).map(c -> c == null ? null : c.thousandths()).toArray(Long[]::new);
    }

    /** How an e-mail is compared: users_email_per_tenant is unique on lower(email). */
    static String emailKey(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }
}

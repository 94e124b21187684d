package com.aicredits.reliability;

import java.sql.Connection;
import java.sql.SQLException;

/** SPEC.md's invariants, recomputed here in SQL from the tables the service wrote. */
final class SpecInvariants {

    private final TenantRows rows;
    private final Problems problems;

    SpecInvariants(TenantRows rows, Problems problems) {
        this.rows = rows;
        this.problems = problems;
    }

    void check(Connection db) throws SQLException {
        violations(db, "purchased = unassigned + Σ assigned, unassigned >= 0", """
                select format('purchased %s, assigned %s, purchases %s, accounts assigned %s', p.purchased, p.assigned,
                              e.purchased, coalesce(a.assigned, 0))
                  from pools p
                  cross join (select coalesce(sum(credits) filter (where type = 'PURCHASE'), 0) as purchased
                                from ledger_entries where tenant_id = ?) e
                  left join (select sum(assigned) as assigned from accounts where tenant_id = ?) a on true
                 where p.tenant_id = ?
                   and (p.purchased - p.assigned < 0 or p.purchased <> e.purchased or p.assigned <> coalesce(a.assigned, 0))
                """);
        violations(db, "per account: remaining = assigned - consumed as the entries say, held = Σ open holds", """
                select format('%s: assigned %s consumed %s held %s open %s; entries assigned %s consumed %s last remaining %s; '
                              || 'requests consumed %s held %s open %s', a.user_id, a.assigned, a.consumed, a.held, a.open_holds,
                              e.assigned, e.consumed, e.last_remaining, r.consumed, r.held, r.open)
                  from accounts a
                  left join (select user_id, sum(assigned_delta) as assigned, sum(consumed_delta) as consumed,
                                    (array_agg(remaining_after order by id desc))[1] as last_remaining
                               from ledger_entries where tenant_id = ? and user_id is not null group by user_id) e
                         on e.user_id = a.user_id
                  left join (select user_id, coalesce(sum(cost) filter (where status = 'SETTLED'), 0) as consumed,
                                    coalesce(sum(held) filter (where status = 'AUTHORIZED'), 0) as held,
                                    count(*) filter (where in_flight) as open
                               from consumption_requests where tenant_id = ? group by user_id) r
                         on r.user_id = a.user_id
                 where a.tenant_id = ?
                   and (e.assigned is distinct from a.assigned or e.consumed is distinct from a.consumed
                        or e.last_remaining is distinct from a.assigned - a.consumed
                        or coalesce(r.consumed, 0) <> a.consumed or coalesce(r.held, 0) <> a.held
                        or coalesce(r.open, 0) <> a.open_holds or (not a.active and a.held <> 0))
                """);
        violations(db, "consumed never decreases", """
                select format('entry %s (%s) has consumed_delta %s', id, type, consumed_delta)
                  from ledger_entries where tenant_id = ? and consumed_delta < 0
                """);
        violations(db, "no request id is charged twice", """
                select format('request %s has %s cost entries', request_id, count(*))
                  from ledger_entries where tenant_id = ? and type in ('SETTLE', 'CHARGE')
                 group by request_id having count(*) > 1
                """);
        violations(db, "each user's entries chain", """
                select format('entry %s (%s of %s): remaining %s -> %s, previous ended at %s', id, type, user_id,
                              remaining_before, remaining_after, previous)
                  from (select id, type, user_id, remaining_before, remaining_after, assigned_delta, consumed_delta,
                               coalesce(lag(remaining_after) over (partition by user_id order by id), 0) as previous
                          from ledger_entries where tenant_id = ? and user_id is not null) chained
                 where remaining_before <> previous
                    or remaining_after <> remaining_before + assigned_delta - consumed_delta
                """);
        violations(db, "overdraft is bounded by concurrency limit x largest single cost", """
                select format('%s: remaining %s, limit %s, largest cost %s', a.user_id, a.assigned - a.consumed,
                              p.max_holds_per_user, c.largest)
                  from accounts a
                  join pools p on p.tenant_id = a.tenant_id
                  left join (select user_id, max(cost) as largest from consumption_requests where tenant_id = ?
                              group by user_id) c on c.user_id = a.user_id
                 where a.tenant_id = ? and a.assigned - a.consumed < -(p.max_holds_per_user * coalesce(c.largest, 0))
                """);
    }

    /** Runs a query that lists violations of one invariant (every parameter is the tenant id). */
    private void violations(Connection db, String invariant, String sql) throws SQLException {
        rows.query(db, sql, rs -> problems.add("%s: %s", invariant, rs.getString(1)));
    }
}

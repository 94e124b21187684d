package com.aicredits.ledger;

import com.aicredits.shared.TenantId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Recomputes every balance from the ledger and the request log and lists each difference. Three
 * independent records must agree: the stored pools and accounts, the sums of the entries' deltas, and
 * the consumption requests (open holds and settled costs). Each user's entries must also chain, in the order of
 * their user_seq (1, 2, 3…, as many as the account counts): every entry starts from the figures the previous one
 * ended with; the pool's entries likewise, by pool_seq. Allowance grants must match their entries, and
 * the usage roll-ups the consumption entries they folded.
 */
@Repository
class Reconciler {

    private final JdbcClient jdbc;

    Reconciler(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The checks, each a statement listing its drifts, with {@code [[column]]} where it filters by tenant
     * (see {@link #scoped}).
     */
    static final List<String> CHECKS = List.of(
            """
            with e as (
                select tenant_id, sum(purchased_delta) as purchased, sum(assigned_delta) as assigned,
                       count(pool_seq) as entries
                  from ledger_entries where [[tenant_id]] group by tenant_id
            ), acc as (
                select tenant_id, sum(assigned) as assigned
                  from accounts where [[tenant_id]] group by tenant_id
            )
            select format('pool %s: stored purchased=%s assigned=%s entries=%s, entries purchased=%s assigned=%s count=%s, accounts assigned=%s',
                          p.tenant_id, p.purchased, p.assigned, p.entry_count, coalesce(e.purchased, 0),
                          coalesce(e.assigned, 0), coalesce(e.entries, 0), coalesce(acc.assigned, 0))
              from pools p
              left join e on e.tenant_id = p.tenant_id
              left join acc on acc.tenant_id = p.tenant_id
             where [[p.tenant_id]]
               and (p.purchased <> coalesce(e.purchased, 0) or p.assigned <> coalesce(e.assigned, 0)
                    or p.assigned <> coalesce(acc.assigned, 0) or p.assigned > p.purchased
                    or p.entry_count <> coalesce(e.entries, 0))
            """,
            """
            with e as (
                select tenant_id, user_id, sum(assigned_delta) as assigned, sum(consumed_delta) as consumed,
                       sum(held_delta) as held, count(*) as entries
                  from ledger_entries
                 where user_id is not null and [[tenant_id]]
                 group by tenant_id, user_id
            ), r as (
                select tenant_id, user_id,
                       coalesce(sum(held) filter (where status = 'AUTHORIZED'), 0) as held,
                       count(*) filter (where in_flight) as open_holds,
                       coalesce(sum(cost) filter (where status = 'SETTLED'), 0) as consumed
                  from consumption_requests where [[tenant_id]]
                 group by tenant_id, user_id
            )
            select format('account %s/%s: stored assigned=%s consumed=%s held=%s open=%s entries=%s, entries assigned=%s consumed=%s held=%s count=%s, requests consumed=%s held=%s open=%s',
                          coalesce(a.tenant_id, e.tenant_id), coalesce(a.user_id, e.user_id),
                          a.assigned, a.consumed, a.held, a.open_holds, a.entry_count, e.assigned, e.consumed, e.held,
                          e.entries, r.consumed, r.held, r.open_holds)
              from (select * from accounts where [[tenant_id]]) a
              full join e on e.tenant_id = a.tenant_id and e.user_id = a.user_id
              left join r on r.tenant_id = coalesce(a.tenant_id, e.tenant_id) and r.user_id = coalesce(a.user_id, e.user_id)
             where (a.tenant_id is null or e.tenant_id is null
                    or a.assigned <> e.assigned or a.consumed <> e.consumed or a.held <> e.held
                    or a.consumed <> coalesce(r.consumed, 0) or a.held <> coalesce(r.held, 0)
                    or a.open_holds <> coalesce(r.open_holds, 0) or a.entry_count <> e.entries
                    -- a closed allocation holds nothing; it may still have an expired request in flight
                    -- (its slot is kept until the settle deadline), whose late settle reopens it
                    or (not a.active and a.held <> 0))
            """,
            """
            select format('entry %s (%s of %s/%s): %s', id, type, tenant_id, user_id, problem)
              from (
                select id, type, tenant_id, user_id,
                       case
                         when user_seq <> coalesce(lag(user_seq) over w, 0) + 1
                           then 'user_seq is not the previous entry''s plus one'
                         when remaining_after <> remaining_before + assigned_delta - consumed_delta
                           then 'remaining_after does not follow from remaining_before and the deltas'
                         when remaining_before <> coalesce(lag(remaining_after) over w, 0)
                           then 'remaining_before is not the previous entry''s remaining_after'
                         when held_after <> coalesce(lag(held_after) over w, 0) + held_delta
                           then 'held_after is not the previous held_after plus held_delta'
                       end as problem
                  from ledger_entries
                 where user_id is not null and [[tenant_id]]
                window w as (partition by tenant_id, user_id order by user_seq)
              ) chained
             where problem is not null
            """,
            """
            select format('entry %s (%s of %s): %s', id, type, tenant_id, problem)
              from (
                select id, type, tenant_id,
                       case
                         when pool_seq <> coalesce(lag(pool_seq) over w, 0) + 1
                           then 'pool_seq is not the previous entry''s plus one'
                         when unassigned_before <> coalesce(lag(unassigned_after) over w, 0)
                           then 'unassigned_before is not the previous entry''s unassigned_after'
                       end as problem
                  from ledger_entries
                 where pool_seq is not null and [[tenant_id]]
                window w as (partition by tenant_id order by pool_seq)
              ) chained
             where problem is not null
            """,
            // Each allowance grant must be exactly what its entries did: the ALLOWANCE entries of its period added up to
            // what it records as granted, the RESET's REMOVE entries to what it returned; no entry of the actor
            // "allowance" without its grant.
            """
            with e as (
                select tenant_id, user_id, reference,
                       coalesce(sum(credits) filter (where type = 'ALLOWANCE'), 0) as granted,
                       coalesce(sum(credits) filter (where type = 'REMOVE'), 0) as returned
                  from ledger_entries
                 where actor = 'allowance' and type in ('ALLOWANCE', 'REMOVE')
                   and [[tenant_id]]
                 group by tenant_id, user_id, reference
            ), g as (
                select *, period || ' ' || to_char(period_start, 'YYYY-MM-DD') as reference
                  from allowance_grants where [[tenant_id]]
            )
            select format('allowance grant %s/%s %s: recorded due=%s granted=%s shortfall=%s returned=%s, entries granted=%s returned=%s',
                          coalesce(g.tenant_id, e.tenant_id), coalesce(g.user_id, e.user_id), coalesce(g.reference, e.reference),
                          g.due, g.granted, g.shortfall, g.returned, e.granted, e.returned)
              from g
              full join e on e.tenant_id = g.tenant_id and e.user_id = g.user_id and e.reference = g.reference
             where g.tenant_id is null or g.granted <> coalesce(e.granted, 0) or g.returned <> coalesce(e.returned, 0)
                or g.granted + g.shortfall <> g.due
            """,
            // The summary cards' running totals must equal what they summarise (compared per tenant, not per
            // slot: only the sum over a tenant's slots has a meaning).
            """
            with t as (
                select tenant_id, sum(consumed) as consumed, sum(active_accounts) as active_accounts,
                       sum(active_users) as active_users
                  from tenant_totals where [[tenant_id]] group by tenant_id
            ), a as (
                select tenant_id, sum(consumed) as consumed, count(*) filter (where active) as active_accounts
                  from accounts where [[tenant_id]] group by tenant_id
            ), u as (
                select tenant_id, count(*) filter (where active) as active_users
                  from people where [[tenant_id]] group by tenant_id
            )
            select format('totals %s: kept consumed=%s accounts with credits=%s users=%s, counted consumed=%s accounts with credits=%s users=%s',
                          t.tenant_id, t.consumed, t.active_accounts, t.active_users,
                          coalesce(a.consumed, 0), coalesce(a.active_accounts, 0), coalesce(u.active_users, 0))
              from t
              left join a on a.tenant_id = t.tenant_id
              left join u on u.tenant_id = t.tenant_id
             where t.consumed <> coalesce(a.consumed, 0) or t.active_accounts <> coalesce(a.active_accounts, 0)
                or t.active_users <> coalesce(u.active_users, 0)
            """,
            // The usage roll-ups (V18) must be exactly the consumption entries up to the folder's watermark, bucketed by
            // day in the zone they were rolled up in; one statement, so the watermark and the roll-ups are of one moment.
            """
            with w as (select tx from usage_watermark), e as (
                select e.tenant_id, (e.at at time zone z.time_zone)::date as day, e.user_id,
                       coalesce(e.feature, '') as feature, sum(e.consumed_delta) as consumed, count(*) as requests
                  from ledger_entries e cross join w left join usage_zones z on z.tenant_id = e.tenant_id
                 where e.consumed_delta <> 0 and e.tx <= w.tx
                   and [[e.tenant_id]]
                 group by 1, 2, 3, 4
            ), r as (
                select * from usage_daily where [[tenant_id]]
            )
            select format('usage %s/%s %s %s: rolled up consumed=%s requests=%s, entries consumed=%s requests=%s',
                          coalesce(r.tenant_id, e.tenant_id), coalesce(r.user_id, e.user_id), coalesce(r.day, e.day),
                          coalesce(r.feature, e.feature), r.consumed, r.requests, e.consumed, e.requests)
              from r full join e on e.tenant_id = r.tenant_id and e.day = r.day and e.user_id = r.user_id
                                and e.feature = r.feature
             where r.consumed is distinct from e.consumed or r.requests is distinct from e.requests
            """,
            """
            with u as (
                select tenant_id, day, feature, sum(consumed) as consumed, sum(requests) as requests
                  from usage_daily where [[tenant_id]] group by 1, 2, 3
            ), f as (
                select * from usage_daily_features where [[tenant_id]]
            )
            select format('usage %s %s %s: per feature consumed=%s requests=%s, users'' sum consumed=%s requests=%s',
                          coalesce(f.tenant_id, u.tenant_id), coalesce(f.day, u.day), coalesce(f.feature, u.feature),
                          f.consumed, f.requests, u.consumed, u.requests)
              from f full join u on u.tenant_id = f.tenant_id and u.day = f.day and u.feature = f.feature
             where f.consumed is distinct from u.consumed or f.requests is distinct from u.requests
            """,
            // The kept runways (V28) of users without an entry after the watermark must be their account and the
            // roll-ups' pace for the tenant's runways_on (the rows readers use; the others they compute).
            """
            with w as (select tx from usage_watermark), z as (
                select tenant_id, runways_on from usage_zones where [[tenant_id]] and runways_on is not null
            ), moved as (
                select distinct e.tenant_id, e.user_id from ledger_entries e cross join w
                 where e.tx > w.tx and [[e.tenant_id]]
            ), p as (
                select d.tenant_id, d.user_id, sum(d.consumed)::bigint as consumed
                  from usage_daily d join z on z.tenant_id = d.tenant_id
                 where d.day >= z.runways_on - %d and [[d.tenant_id]]
                 group by 1, 2
            ), x as (
                select a.tenant_id, a.user_id, a.active, a.assigned - a.consumed - a.held as available,
                       coalesce(p.consumed, 0) as paced,
                       coalesce(runs_out_on(a.assigned - a.consumed - a.held, p.consumed, z.runways_on), 'infinity') as lasts_until
                  from accounts a join z on z.tenant_id = a.tenant_id
                  left join p on p.tenant_id = a.tenant_id and p.user_id = a.user_id
                 where [[a.tenant_id]]
            ), k as (
                select r.* from user_runways r join z on z.tenant_id = r.tenant_id where [[r.tenant_id]]
            )
            select format('runway %%s/%%s: kept active=%%s available=%%s paced=%%s until=%%s, recomputed active=%%s available=%%s paced=%%s until=%%s',
                          coalesce(k.tenant_id, x.tenant_id), coalesce(k.user_id, x.user_id),
                          k.active, k.available, k.paced, k.lasts_until, x.active, x.available, x.paced, x.lasts_until)
              from k full join x on x.tenant_id = k.tenant_id and x.user_id = k.user_id
             where (k.active, k.available, k.paced, k.lasts_until) is distinct from (x.active, x.available, x.paced, x.lasts_until)
               and not exists (select 1 from moved m where m.tenant_id = coalesce(k.tenant_id, x.tenant_id)
                                                       and m.user_id = coalesce(k.user_id, x.user_id))
            """.formatted(Runway.PACE_DAYS - 1));

    private static final Pattern TENANT_FILTER = Pattern.compile("\\[\\[([a-z_.]+)]]");

    /**
     * The statement for one tenant, or for all: each {@code [[column]]} becomes {@code column = :tenant}, or
     * {@code true} when every tenant is checked. A literal filter on each table, rather than one statement with
     * "{@code :tenant is null or …}", is what lets PostgreSQL use the tenant's index and Citus send a tenant's check
     * to that tenant's node alone (a filter it cannot evaluate before running would send it to every shard).
     */
    static String scoped(TenantId tenant, String sql) {
        return TENANT_FILTER.matcher(sql).replaceAll(tenant == null ? "true" : "$1 = :tenant");
    }

    /** {@code tenant} null checks every tenant. */
    Reconciliation reconcile(TenantId tenant) {
        UUID scope = tenant == null ? null : tenant.value();
        List<String> drifts = new ArrayList<>();

        for (String check : CHECKS) {
            drifts.addAll(jdbc.sql(scoped(tenant, check)).param("tenant", scope, java.sql.Types.OTHER)
                    .query(String.class).list());
        }

        long pools = jdbc.sql(scoped(tenant, "select count(*) from pools where [[tenant_id]]"))
                .param("tenant", scope, java.sql.Types.OTHER).query(Long.class).single();
        long accounts = jdbc.sql(scoped(tenant, "select count(*) from accounts where [[tenant_id]]"))
                .param("tenant", scope, java.sql.Types.OTHER).query(Long.class).single();
        return new Reconciliation(pools, accounts, List.copyOf(drifts));
    }
}

-- The ledger's reconciliation (server/src/main/java/com/aicredits/ledger/Reconciler.java, all tenants),
-- run through psql because there is no HTTP endpoint for it yet. Prints one line per drift; none = clean.
\set ON_ERROR_STOP on
\pset tuples_only on
\pset format unaligned
with e as (
    select tenant_id, sum(purchased_delta) as purchased, sum(assigned_delta) as assigned
      from ledger_entries group by tenant_id
), acc as (
    select tenant_id, sum(assigned) as assigned from accounts group by tenant_id
)
select format('pool %s: stored purchased=%s assigned=%s, entries purchased=%s assigned=%s, accounts assigned=%s',
              p.tenant_id, p.purchased, p.assigned, coalesce(e.purchased, 0), coalesce(e.assigned, 0),
              coalesce(acc.assigned, 0))
  from pools p
  left join e on e.tenant_id = p.tenant_id
  left join acc on acc.tenant_id = p.tenant_id
 where (p.purchased <> coalesce(e.purchased, 0) or p.assigned <> coalesce(e.assigned, 0)
        or p.assigned <> coalesce(acc.assigned, 0) or p.assigned > p.purchased);

with e as (
    select tenant_id, user_id, sum(assigned_delta) as assigned, sum(consumed_delta) as consumed,
           sum(held_delta) as held
      from ledger_entries where user_id is not null group by tenant_id, user_id
), r as (
    select tenant_id, user_id,
           coalesce(sum(held) filter (where status = 'AUTHORIZED'), 0) as held,
           count(*) filter (where status = 'AUTHORIZED') as open_holds,
           coalesce(sum(cost) filter (where status = 'SETTLED'), 0) as consumed
      from consumption_requests group by tenant_id, user_id
)
select format('account %s/%s: stored assigned=%s consumed=%s held=%s open=%s, entries assigned=%s consumed=%s held=%s, requests consumed=%s held=%s open=%s',
              coalesce(a.tenant_id, e.tenant_id), coalesce(a.user_id, e.user_id),
              a.assigned, a.consumed, a.held, a.open_holds, e.assigned, e.consumed, e.held,
              r.consumed, r.held, r.open_holds)
  from accounts a
  full join e on e.tenant_id = a.tenant_id and e.user_id = a.user_id
  left join r on r.tenant_id = coalesce(a.tenant_id, e.tenant_id) and r.user_id = coalesce(a.user_id, e.user_id)
 where (a.tenant_id is null or e.tenant_id is null
        or a.assigned <> e.assigned or a.consumed <> e.consumed or a.held <> e.held
        or a.consumed <> coalesce(r.consumed, 0) or a.held <> coalesce(r.held, 0)
        or a.open_holds <> coalesce(r.open_holds, 0)
        or (not a.active and (a.held <> 0 or a.open_holds <> 0)));

select format('entry %s (%s of %s/%s): %s', id, type, tenant_id, user_id, problem)
  from (
    select id, type, tenant_id, user_id,
           case
             when remaining_after <> remaining_before + assigned_delta - consumed_delta
               then 'remaining_after does not follow from remaining_before and the deltas'
             when remaining_before <> coalesce(lag(remaining_after) over w, 0)
               then 'remaining_before is not the previous entry''s remaining_after'
             when held_after <> coalesce(lag(held_after) over w, 0) + held_delta
               then 'held_after is not the previous held_after plus held_delta'
           end as problem
      from ledger_entries
     where user_id is not null
    window w as (partition by tenant_id, user_id order by id)
  ) chained
 where problem is not null;

select format('entry %s (%s of %s): unassigned_before is not the previous entry''s unassigned_after', id, type, tenant_id)
  from (
    select id, type, tenant_id, unassigned_before,
           coalesce(lag(unassigned_after) over (partition by tenant_id order by id), 0) as previous
      from ledger_entries where unassigned_after is not null
  ) chained
 where unassigned_before <> previous;

-- pgbench: the SQL of one service charge (AdmissionStore.CHARGE), as the service sends it: one statement
-- with the conditional UPDATE of the account, the request row and the ledger entry, on a random seeded
-- user of the largest tenant. Variables: tenant, users (set with -D). Generated: PgbenchScriptTest holds
-- it equal to the service's statement and prints the new text when the statement changes.
\set n random(1, :users)
with acc as (update accounts a
   set consumed = a.consumed + 1000, entry_count = a.entry_count + 1, updated_at = now()
  from pools p, people u
 where a.tenant_id = cast(:tenant as uuid) and a.user_id = md5(cast(:tenant as text) || ':' || cast(:n as text))::uuid
   and p.tenant_id = cast(:tenant as uuid) and u.tenant_id = cast(:tenant as uuid) and u.id = md5(cast(:tenant as text) || ':' || cast(:n as text))::uuid
   and admission_refusal(u.active, a.active, credits_available(a.assigned, a.consumed, a.held),
                         a.open_holds, p.max_holds_per_user) is null
returning a.assigned - a.consumed as remaining, a.held, a.assigned, a.entry_count as seq
), req as (
    insert into consumption_requests (tenant_id, request_id, user_id, feature, status, held, cost,
        available_after, remaining_after, created_at, finished_at)
    select cast(:tenant as uuid), 'pgb-' || gen_random_uuid(), md5(cast(:tenant as text) || ':' || cast(:n as text))::uuid, 'pgbench', 'SETTLED', 0, 1000,
        acc.remaining - acc.held, acc.remaining, now(), now()
      from acc
    returning request_id
), entry as (
insert into ledger_entries (tenant_id, user_id, user_seq, type, credits, consumed_delta, remaining_before, remaining_after, held_after, actor, feature, request_id, at)
    select cast(:tenant as uuid), md5(cast(:tenant as text) || ':' || cast(:n as text))::uuid, acc.seq, 'CHARGE', 1000, 1000, acc.remaining + 1000, acc.remaining, acc.held, 'pgbench', 'pgbench', req.request_id, now()
      from acc, req)
select acc.remaining, acc.held, acc.assigned from acc;

-- Group commit for authorizations and settlements (issue 16), as for charges: concurrent calls of one tenant are
-- applied by one call of a round function, one round trip and one commit for the group, each item decided by the same
-- rule as alone, under its account's row lock. Each function first takes the round's locks in a fixed order, then
-- applies every item in one set-based statement (the single call's three statements, for all items at once, as
-- ChargeBatchStore.CHARGE_ROUND does for charges), and returns each applied item's figures with its place in the
-- round (1-based). An item the round did not apply returns no row, and the service answers it by the single path (a
-- refusal's reason, a replay's first outcome). A round applies at most one item per user and request id: the service
-- sends an authorizations round one item per user and request id, a settlements round one per request id, and the
-- settlements round takes the first of each user's (a user's later items are applied after the round, in order).
--
-- These statements are the twins of credits_authorize and credits_finish (V30): a change to what those write changes
-- these too. (A round that called those functions item by item was tried first: 1,274 and 1,327 pairs a second
-- against 1,840 and 1,737 with these statements, on the same machine. BENCHMARKS.md, "Issue 16, session 23".)
--
-- Why the locks first: a round holds its rows until it commits. Taken in the order of the items, two rounds over the
-- same users in different orders would wait on each other in a circle. Taken sorted (accounts by user; a
-- settlement's request rows before accounts, the order every closing statement takes them), they queue instead.

create function credits_authorize_round(p_tenant uuid, p_users uuid[], p_requests text[], p_features text[],
                                        p_amounts bigint[], p_actor text, p_now timestamptz, p_expires timestamptz,
                                        p_settle_by timestamptz)
returns table (item int, remaining bigint, held bigint, assigned bigint)
language plpgsql as $$
#variable_conflict use_column
begin
    perform 1 from accounts a
     where a.tenant_id = p_tenant and a.user_id = any(p_users)
     order by a.user_id
       for update;
    return query
    with items as (
        select * from unnest(p_users, p_requests, p_features, p_amounts) with ordinality
            as i(user_id, request_id, feature, amount, item)
    ), acc as (
        -- An item whose request id is already recorded (a retry) is left to the single path, which answers its first
        -- outcome; so a retry cannot fail the round's other items.
        update accounts a
           set held = a.held + i.amount, open_holds = a.open_holds + 1, entry_count = a.entry_count + 1,
               updated_at = p_now
          from items i, pools p, people u
         where a.tenant_id = p_tenant and a.user_id = i.user_id
           and p.tenant_id = p_tenant and u.tenant_id = p_tenant and u.id = i.user_id
           and admission_refusal(u.active, a.active, credits_available(a.assigned, a.consumed, a.held),
                                 a.open_holds, p.max_holds_per_user) is null
           and not exists (select 1 from consumption_requests r
                            where r.tenant_id = p_tenant and r.request_id = i.request_id)
        returning i.item, i.request_id, i.user_id, i.feature, i.amount, a.assigned - a.consumed as remaining, a.held,
                  a.assigned, a.entry_count as seq
    ), req as (
        insert into consumption_requests (tenant_id, request_id, user_id, feature, status, held, available_after,
                                          created_at, expires_at, settle_by, in_flight)
        select p_tenant, acc.request_id, acc.user_id, acc.feature, 'AUTHORIZED', acc.amount, acc.remaining - acc.held,
               p_now, p_expires, p_settle_by, true
          from acc
        returning request_id
    ), entry as (
        insert into ledger_entries (tenant_id, user_id, user_seq, type, credits, held_delta, remaining_before,
                                    remaining_after, held_after, actor, feature, request_id, at)
        select p_tenant, acc.user_id, acc.seq, 'AUTHORIZE', acc.amount, acc.amount, acc.remaining, acc.remaining,
               acc.held, p_actor, acc.feature, acc.request_id, p_now
          from acc join req on req.request_id = acc.request_id
    )
    select acc.item::int, acc.remaining, acc.held, acc.assigned from acc;
end $$;

-- Settlements: each request in flight before its settle deadline records its whole cost as consumed and gives back
-- its hold if still held (an expiry gave it back already) and always its in-flight slot.
create function credits_settle_round(p_tenant uuid, p_requests text[], p_costs bigint[], p_actor text,
                                     p_now timestamptz)
returns table (item int, user_id uuid, remaining bigint, held bigint, assigned bigint, release bigint)
language plpgsql as $$
#variable_conflict use_column
begin
    perform 1 from consumption_requests r
     where r.tenant_id = p_tenant and r.request_id = any(p_requests) and r.in_flight and r.settle_by > p_now
     order by r.request_id
       for update;
    perform 1 from accounts a
     where a.tenant_id = p_tenant
       and a.user_id in (select r.user_id from consumption_requests r
                          where r.tenant_id = p_tenant and r.request_id = any(p_requests) and r.in_flight)
     order by a.user_id
       for update;
    return query
    with cur as (
        -- The first item of each user: a user's later items go alone, after the round, so they apply in order.
        select distinct on (r.user_id) i.item, i.request_id, i.cost, r.user_id, r.feature,
               case when r.status = 'AUTHORIZED' then r.held else 0 end as release
          from unnest(p_requests, p_costs) with ordinality as i(request_id, cost, item)
          join consumption_requests r on r.tenant_id = p_tenant and r.request_id = i.request_id
         where r.in_flight and r.settle_by > p_now
         order by r.user_id, i.item
    ), acc as (
        -- A late settle that takes a closed allocation away from zero reopens it, so the debt stays visible.
        update accounts a
           set consumed = a.consumed + cur.cost, held = a.held - cur.release, open_holds = a.open_holds - 1,
               active = a.active or a.assigned - a.consumed - cur.cost <> 0, entry_count = a.entry_count + 1,
               updated_at = p_now
          from cur
         where a.tenant_id = p_tenant and a.user_id = cur.user_id
        returning cur.item, cur.request_id, cur.cost, cur.user_id, cur.feature, cur.release,
                  a.assigned - a.consumed as remaining, a.held, a.assigned, a.entry_count as seq
    ), req as (
        update consumption_requests r
           set status = 'SETTLED', cost = acc.cost, remaining_after = acc.remaining, finished_at = p_now,
               in_flight = false
          from acc
         where r.tenant_id = p_tenant and r.request_id = acc.request_id
        returning r.request_id
    ), entry as (
        insert into ledger_entries (tenant_id, user_id, user_seq, type, credits, consumed_delta, held_delta,
                                    remaining_before, remaining_after, held_after, actor, feature, request_id, at)
        select p_tenant, acc.user_id, acc.seq, 'SETTLE', acc.cost, acc.cost, -acc.release, acc.remaining + acc.cost,
               acc.remaining, acc.held, p_actor, acc.feature, acc.request_id, p_now
          from acc join req on req.request_id = acc.request_id
    )
    select acc.item::int, acc.user_id, acc.remaining, acc.held, acc.assigned, acc.release from acc;
end $$;

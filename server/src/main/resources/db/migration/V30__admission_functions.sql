-- Authorize, charge, settle and void, and the sweeper's expiry, as functions: the service calls each in one round
-- trip, as it sent each as one statement before, and the function runs the steps as separate statements, each naming
-- its tenant: the conditional UPDATE of the account that decides (admission_refusal, V7, under the account's row
-- lock), then the request row and the ledger entry, with the figures the UPDATE returned. A function call is one statement: a duplicate request id
-- fails it whole, nothing of it applied, as before.
--
-- Why not the one statement with data-modifying CTEs it was: Citus cannot keep an INSERT … SELECT over a CTE's rows on
-- one node. It pulled the request row and the entry through the coordinator, copied them to every worker, and ended
-- each charge in a two-phase commit on all of them. Each statement here goes to the tenant's one worker, and the call
-- commits there alone. (docs/operations.md, "Distributing by tenant with Citus".)
--
-- The entry takes its place in the user's chain from the counter the UPDATE advanced (user_seq, V29). The columns an
-- entry leaves out take the table's defaults, as LedgerEntrySql's do.

create function credits_authorize(p_tenant uuid, p_user uuid, p_request text, p_feature text, p_amount bigint,
                                  p_actor text, p_now timestamptz, p_expires timestamptz, p_settle_by timestamptz)
returns table (remaining bigint, held bigint, assigned bigint)
language plpgsql as $$
#variable_conflict use_column
declare
    acc record;
begin
    update accounts a
       set held = a.held + p_amount, open_holds = a.open_holds + 1, entry_count = a.entry_count + 1, updated_at = p_now
      from pools p, people u
     where a.tenant_id = p_tenant and a.user_id = p_user
       and p.tenant_id = p_tenant and u.tenant_id = p_tenant and u.id = p_user
       and admission_refusal(u.active, a.active, credits_available(a.assigned, a.consumed, a.held),
                             a.open_holds, p.max_holds_per_user) is null
    returning a.assigned - a.consumed as remaining, a.held, a.assigned, a.entry_count as seq into acc;
    if not found then
        return;
    end if;
    insert into consumption_requests (tenant_id, request_id, user_id, feature, status, held, available_after, created_at,
                                      expires_at, settle_by, in_flight)
    values (p_tenant, p_request, p_user, p_feature, 'AUTHORIZED', p_amount, acc.remaining - acc.held, p_now,
            p_expires, p_settle_by, true);
    insert into ledger_entries (tenant_id, user_id, user_seq, type, credits, held_delta, remaining_before,
                                remaining_after, held_after, actor, feature, request_id, at)
    values (p_tenant, p_user, acc.seq, 'AUTHORIZE', p_amount, p_amount, acc.remaining, acc.remaining, acc.held,
            p_actor, p_feature, p_request, p_now);
    return query select acc.remaining, acc.held, acc.assigned;
end $$;

create function credits_charge(p_tenant uuid, p_user uuid, p_request text, p_feature text, p_amount bigint,
                               p_actor text, p_now timestamptz)
returns table (remaining bigint, held bigint, assigned bigint)
language plpgsql as $$
#variable_conflict use_column
declare
    acc record;
begin
    update accounts a
       set consumed = a.consumed + p_amount, entry_count = a.entry_count + 1, updated_at = p_now
      from pools p, people u
     where a.tenant_id = p_tenant and a.user_id = p_user
       and p.tenant_id = p_tenant and u.tenant_id = p_tenant and u.id = p_user
       and admission_refusal(u.active, a.active, credits_available(a.assigned, a.consumed, a.held),
                             a.open_holds, p.max_holds_per_user) is null
    returning a.assigned - a.consumed as remaining, a.held, a.assigned, a.entry_count as seq into acc;
    if not found then
        return;
    end if;
    insert into consumption_requests (tenant_id, request_id, user_id, feature, status, held, cost, available_after,
                                      remaining_after, created_at, finished_at)
    values (p_tenant, p_request, p_user, p_feature, 'SETTLED', 0, p_amount, acc.remaining - acc.held, acc.remaining,
            p_now, p_now);
    insert into ledger_entries (tenant_id, user_id, user_seq, type, credits, consumed_delta, remaining_before,
                                remaining_after, held_after, actor, feature, request_id, at)
    values (p_tenant, p_user, acc.seq, 'CHARGE', p_amount, p_amount, acc.remaining + p_amount, acc.remaining, acc.held,
            p_actor, p_feature, p_request, p_now);
    return query select acc.remaining, acc.held, acc.assigned;
end $$;

-- Settle and void find the request in flight before its settle deadline, locked; release is the hold still to give
-- back (none after an expiry, which gave it back already); the in-flight slot is always given back. p_cost null voids.
create function credits_finish(p_tenant uuid, p_request text, p_cost bigint, p_actor text, p_now timestamptz)
returns table (user_id uuid, remaining bigint, held bigint, assigned bigint, release bigint)
language plpgsql as $$
#variable_conflict use_column
declare
    cur record;
    acc record;
    v_cost bigint := coalesce(p_cost, 0);
begin
    select r.user_id, r.feature, case when r.status = 'AUTHORIZED' then r.held else 0 end as release into cur
      from consumption_requests r
     where r.tenant_id = p_tenant and r.request_id = p_request and r.in_flight and r.settle_by > p_now
       for update;
    if not found then
        return;
    end if;
    if p_cost is null then
        update accounts a
           set held = a.held - cur.release, open_holds = a.open_holds - 1, entry_count = a.entry_count + 1,
               updated_at = p_now
         where a.tenant_id = p_tenant and a.user_id = cur.user_id
        returning a.assigned - a.consumed as remaining, a.held, a.assigned, a.entry_count as seq into acc;
    else
        -- A late settle that takes a closed allocation away from zero reopens it, so the debt stays visible.
        update accounts a
           set consumed = a.consumed + v_cost, held = a.held - cur.release, open_holds = a.open_holds - 1,
               active = a.active or a.assigned - a.consumed - v_cost <> 0, entry_count = a.entry_count + 1,
               updated_at = p_now
         where a.tenant_id = p_tenant and a.user_id = cur.user_id
        returning a.assigned - a.consumed as remaining, a.held, a.assigned, a.entry_count as seq into acc;
    end if;
    update consumption_requests r
       set status = case when p_cost is null then 'VOIDED' else 'SETTLED' end,
           cost = coalesce(p_cost, r.cost),
           remaining_after = case when p_cost is null then r.remaining_after else acc.remaining end,
           finished_at = p_now, in_flight = false
     where r.tenant_id = p_tenant and r.request_id = p_request;
    insert into ledger_entries (tenant_id, user_id, user_seq, type, credits, consumed_delta, held_delta,
                                remaining_before, remaining_after, held_after, actor, feature, request_id, at)
    values (p_tenant, cur.user_id, acc.seq, case when p_cost is null then 'VOID' else 'SETTLE' end,
            case when p_cost is null then cur.release else p_cost end, v_cost, -cur.release,
            acc.remaining + v_cost, acc.remaining, acc.held, p_actor, cur.feature, p_request, p_now);
    return query select cur.user_id, acc.remaining, acc.held, acc.assigned, cur.release;
end $$;

-- The sweeper's expiry of one overdue hold of the tenant, if any is not being settled right now (SKIP LOCKED): its
-- credits go back to the user at once; the request keeps its in-flight slot until it is settled, voided or its
-- deadline passes, which is what bounds the overdraft. The status is checked again under the row lock, so a hold
-- settled a moment ago is never released a second time.
create function credits_expire_one(p_tenant uuid, p_now timestamptz)
returns table (user_id uuid)
language plpgsql as $$
#variable_conflict use_column
declare
    due record;
    acc record;
begin
    select r.request_id, r.user_id, r.held, r.feature into due
      from consumption_requests r
     where r.tenant_id = p_tenant and r.status = 'AUTHORIZED' and r.expires_at <= p_now
     limit 1
       for update skip locked;
    if not found then
        return;
    end if;
    update consumption_requests c set status = 'EXPIRED', finished_at = p_now
     where c.tenant_id = p_tenant and c.request_id = due.request_id;
    update accounts a set held = a.held - due.held, entry_count = a.entry_count + 1, updated_at = p_now
     where a.tenant_id = p_tenant and a.user_id = due.user_id
    returning a.assigned - a.consumed as remaining, a.held, a.entry_count as seq into acc;
    insert into ledger_entries (tenant_id, user_id, user_seq, type, credits, held_delta, remaining_before,
                                remaining_after, held_after, actor, feature, request_id, at)
    values (p_tenant, due.user_id, acc.seq, 'EXPIRE', due.held, -due.held, acc.remaining, acc.remaining, acc.held,
            'system', due.feature, due.request_id, p_now);
    return query select due.user_id;
end $$;

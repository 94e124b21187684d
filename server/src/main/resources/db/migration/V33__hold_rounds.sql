-- Group commit for authorizations and settlements (issue 16), as it is for charges: concurrent calls of one tenant
-- are applied by one call of a round function, one round trip and one commit for the group. Each item is applied by
-- the single call's own function (V30), so it is decided exactly as it would be alone, under its account's row lock;
-- the round only takes the locks first, each kind in a fixed order, and returns each applied item's figures with its
-- place in the round (1-based). An item the round did not apply returns no row; the service answers it by the
-- single path (a refusal's reason, a replay's first outcome).
--
-- Why the locks first: a round holds its rows until it commits. Taken item by item, two rounds over the same users in
-- different orders would wait on each other in a circle. Taken sorted (accounts by user; a settlement's request rows
-- before accounts, the order every closing statement takes them), they queue instead.

-- Authorizations. An item whose request id is already recorded (a retry, or a repeat earlier in the round) is skipped,
-- so it cannot fail the round's other items; only a request id inserted at the same moment by another transaction
-- can still fail it (the service then applies each item alone).
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
    for i in 1 .. cardinality(p_requests) loop
        if not exists (select 1 from consumption_requests r
                        where r.tenant_id = p_tenant and r.request_id = p_requests[i]) then
            return query
                select i, f.remaining, f.held, f.assigned
                  from credits_authorize(p_tenant, p_users[i], p_requests[i], p_features[i], p_amounts[i], p_actor,
                                         p_now, p_expires, p_settle_by) f;
        end if;
    end loop;
end $$;

-- Settlements (p_costs) and voids (a null cost), by request id.
create function credits_finish_round(p_tenant uuid, p_requests text[], p_costs bigint[], p_actor text,
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
    for i in 1 .. cardinality(p_requests) loop
        return query
            select i, f.user_id, f.remaining, f.held, f.assigned, f.release
              from credits_finish(p_tenant, p_requests[i], p_costs[i], p_actor, p_now) f;
    end loop;
end $$;

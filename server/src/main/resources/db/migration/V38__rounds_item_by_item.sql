-- Rounds applied item by item, for Citus (issue 18). A round of concurrent charges, authorizations or settlements of
-- one tenant (group commit, the batch endpoint) is one set-based statement on plain PostgreSQL (ChargeBatchStore's
-- CHARGE_ROUND, V33's round functions): the fastest there, but Citus cannot keep its INSERT … SELECT over a
-- data-modifying CTE's rows on one node. It sends the CTE's rows to every worker and ends the round in a two-phase
-- commit on all of them. These functions take the same arguments, the same locks in the same order, and answer
-- the same rows, and apply each item with the single call's function (V30): every statement names the tenant and
-- goes to the tenant's worker, and the round commits there in one phase. The service calls them when the database
-- has the Citus extension (RoundShape). On plain PostgreSQL the set-based statements stay: applied item by item, the
-- batch endpoint served about half as many charges a second, and grouped authorize+settle pairs about a third fewer
-- (BENCHMARKS.md, "Issue 18: admission as functions" and "Issue 16, session 23").
--
-- The lock statements are V33's, repeated: a change to the order a round locks in changes both (a migration cannot
-- share a statement with an applied one without restating the applied function whole).
--
-- An item whose request id is already recorded is skipped, as the set-based rounds skip it: the service answers it
-- by the single path (a retry's first outcome), and a round is not failed by one retry. Items apply in their order,
-- so a user's later items in a settlements round are applied here rather than after it (the set-based round applies
-- a user's first item only): the same order, the same result.

-- The round's request ids already recorded, read once (one statement on the tenant's worker, not one an item). A round
-- holds at most one item per request id, so none of its own items can be recorded in between.
create function recorded_requests(p_tenant uuid, p_requests text[]) returns text[]
    language sql stable as $$
    select coalesce(array_agg(r.request_id), '{}') from consumption_requests r
     where r.tenant_id = p_tenant and r.request_id = any(p_requests)
$$;

create function credits_charge_items(p_tenant uuid, p_requests text[], p_users uuid[], p_features text[],
                                     p_amounts bigint[], p_positions int[], p_actor text, p_now timestamptz)
returns table ("position" int, remaining bigint, held bigint, assigned bigint)
language plpgsql as $$
#variable_conflict use_column
declare
    recorded text[] := recorded_requests(p_tenant, p_requests);
begin
    -- the accounts are locked by the caller (ChargeBatchStore.lockAccounts), as for CHARGE_ROUND
    for k in 1 .. coalesce(array_length(p_requests, 1), 0) loop
        continue when p_requests[k] = any(recorded);
        return query select p_positions[k], c.remaining, c.held, c.assigned
                       from credits_charge(p_tenant, p_users[k], p_requests[k], p_features[k], p_amounts[k], p_actor,
                                           p_now) c;
    end loop;
end $$;

create function credits_authorize_items(p_tenant uuid, p_users uuid[], p_requests text[], p_features text[],
                                        p_amounts bigint[], p_actor text, p_now timestamptz, p_expires timestamptz,
                                        p_settle_by timestamptz)
returns table (item int, remaining bigint, held bigint, assigned bigint)
language plpgsql as $$
#variable_conflict use_column
declare
    recorded text[];
begin
    perform 1 from accounts a
     where a.tenant_id = p_tenant and a.user_id = any(p_users)
     order by a.user_id
       for update;
    recorded := recorded_requests(p_tenant, p_requests);
    for k in 1 .. coalesce(array_length(p_users, 1), 0) loop
        continue when p_requests[k] = any(recorded);
        return query select k, c.remaining, c.held, c.assigned
                       from credits_authorize(p_tenant, p_users[k], p_requests[k], p_features[k], p_amounts[k],
                                              p_actor, p_now, p_expires, p_settle_by) c;
    end loop;
end $$;

create function credits_settle_items(p_tenant uuid, p_requests text[], p_costs bigint[], p_actor text,
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
    for k in 1 .. coalesce(array_length(p_requests, 1), 0) loop
        return query select k, f.user_id, f.remaining, f.held, f.assigned, f.release
                       from credits_finish(p_tenant, p_requests[k], p_costs[k], p_actor, p_now) f;
    end loop;
end $$;

-- The summary cards' running totals (V4) without writers waiting for each other on them.
--
-- V4 counted each user in a fixed slot of the tenant's 128 (a hash of the user id), one trigger call and one slot
-- update per changed row. A batch of 100 charges then held about 70 of the tenant's slots until it committed, so
-- concurrent batches took turns on them whatever their users (BENCHMARKS.md, "Issue 16, session 21": batches ran
-- 25-41 % faster with the trigger off), and a single charge could wait for a slot held by a transaction that wanted
-- its account: a deadlock (LockConflicts).
--
-- Now each statement adds the sum of its rows' changes, per tenant, to one slot that its transaction holds: its
-- backend's own slot if no other transaction holds it, else the next free one. A transaction holds a slot by a
-- transaction-level advisory lock on (tenant, slot), tried without waiting: an in-memory lock, where a row lock
-- taken by SELECT ... FOR UPDATE SKIP LOCKED would be written to the table and its WAL on every statement. The
-- slot's row is then updated by one transaction at a time, so the UPDATE does not wait; only if 128 other
-- transactions each hold one of the tenant's slots does it wait for its own. A slot no longer belongs to any user;
-- only a tenant's sum over its slots means anything, and that is all that the summary, the alerts and the
-- reconciliation read. The sums carry over unchanged.
--
-- Statement triggers cost more than V4's row triggers for a statement of one row (the transition tables' sum is a
-- query), and much less for a statement of many: BENCHMARKS.md, "Issue 16, session 22".

create function add_to_totals(tenant uuid, consumed_delta bigint, accounts_delta bigint, users_delta bigint)
    returns void language plpgsql as $$
declare
    own  smallint := (pg_backend_pid() & 127)::smallint;
    tenant_key int := hashtext(tenant::text); -- tenants whose hashes collide share lock names, never a slot row
    s    smallint := own;
begin
    if consumed_delta = 0 and accounts_delta = 0 and users_delta = 0 then
        return;
    end if;
    -- A transaction takes again the lock it holds (they are re-entrant): its statements keep to its own slot.
    if not pg_try_advisory_xact_lock(tenant_key, own) then
        s := null;
        for step in 1..127 loop
            if pg_try_advisory_xact_lock(tenant_key, (own + step) & 127) then
                s := (own + step) & 127;
                exit;
            end if;
        end loop;
        s := coalesce(s, own);
    end if;
    update tenant_totals
       set consumed = consumed + consumed_delta, active_accounts = active_accounts + accounts_delta,
           active_users = active_users + users_delta
     where tenant_id = tenant and slot = s;
end $$;

-- Statement triggers over the transition tables: new rows count in, old rows count out. (A trigger with transition
-- tables cannot name columns, so an update of other columns, such as an authorization's hold, sums to nothing.)
create or replace function count_account_totals() returns trigger language plpgsql as $$
declare
    d record;
begin
    for d in select tenant_id, sum(consumed)::bigint as consumed, sum(active)::bigint as active
               from (select tenant_id, consumed, active::int as active from new_rows
                     union all
                     select tenant_id, -consumed, -active::int from old_rows) c
              group by tenant_id order by tenant_id loop
        perform add_to_totals(d.tenant_id, d.consumed, d.active, 0);
    end loop;
    return null;
end $$;

-- An insert has only new rows.
create function count_new_account_totals() returns trigger language plpgsql as $$
declare
    d record;
begin
    for d in select tenant_id, sum(consumed)::bigint as consumed, count(*) filter (where active) as active
               from new_rows group by tenant_id order by tenant_id loop
        perform add_to_totals(d.tenant_id, d.consumed, d.active, 0);
    end loop;
    return null;
end $$;

create or replace function count_user_totals() returns trigger language plpgsql as $$
declare
    d record;
begin
    for d in select tenant_id, sum(active)::bigint as active
               from (select tenant_id, active::int as active from new_rows
                     union all
                     select tenant_id, -active::int from old_rows) c
              group by tenant_id order by tenant_id loop
        perform add_to_totals(d.tenant_id, 0, 0, d.active);
    end loop;
    return null;
end $$;

create function count_new_user_totals() returns trigger language plpgsql as $$
declare
    d record;
begin
    for d in select tenant_id, count(*) filter (where active) as active
               from new_rows group by tenant_id order by tenant_id loop
        perform add_to_totals(d.tenant_id, 0, 0, d.active);
    end loop;
    return null;
end $$;

drop trigger account_totals on accounts;
create trigger account_totals_new after insert on accounts referencing new table as new_rows
    for each statement execute function count_new_account_totals();
create trigger account_totals after update on accounts referencing old table as old_rows new table as new_rows
    for each statement execute function count_account_totals();

drop trigger user_totals on users;
create trigger user_totals_new after insert on users referencing new table as new_rows
    for each statement execute function count_new_user_totals();
create trigger user_totals after update on users referencing old table as old_rows new table as new_rows
    for each statement execute function count_user_totals();

drop function total_slot(uuid);

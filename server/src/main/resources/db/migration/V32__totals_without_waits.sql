-- The summary cards' running totals (V4) without writers waiting for each other on them.
--
-- V4 counted each user in a fixed slot of the tenant's 128 (a hash of the user id), one trigger call and one slot
-- update per changed row. A batch of 100 charges then held about 70 of the tenant's slots until it committed, so
-- concurrent batches took turns on them whatever their users (BENCHMARKS.md, "Issue 16, session 21": batches ran
-- 25-41 % faster with the trigger off), and a single charge could wait for a slot held by a transaction that wanted
-- its account: a deadlock (LockConflicts).
--
-- Now each statement adds the sum of its rows' changes, per tenant, to one slot that its transaction holds: the slot
-- it took earlier in the transaction, else its backend's own slot if no one holds it, else any free one (SKIP
-- LOCKED). A writer never waits on the totals unless another 128 transactions each hold one of its tenant's slots.
-- A slot no longer belongs to any user; only a tenant's sum over its slots means anything, and that is all that the
-- summary, the alerts and the reconciliation read. The sums carry over unchanged.

-- The slot of the tenant that this transaction adds to, locked by it. Remembered for the rest of the transaction in
-- a transaction-local setting, which a rolled-back savepoint undoes together with the lock taken under it.
create function totals_slot(tenant uuid) returns smallint language plpgsql as $$
declare
    held text := current_setting('aicredits.totals_slot', true);
    own  smallint := (pg_backend_pid() & 127)::smallint;
    s    smallint;
begin
    if held like tenant::text || '/%' then
        return split_part(held, '/', 2)::smallint;
    end if;
    select slot into s from tenant_totals where tenant_id = tenant and slot = own for update skip locked;
    if s is null then
        select slot into s from tenant_totals where tenant_id = tenant limit 1 for update skip locked;
    end if;
    -- Every slot held by another transaction: this one waits for its own, as every writer did before.
    s := coalesce(s, own);
    perform set_config('aicredits.totals_slot', tenant::text || '/' || s, true);
    return s;
end $$;

create function add_to_totals(tenant uuid, consumed_delta bigint, accounts_delta bigint, users_delta bigint)
    returns void language plpgsql as $$
declare
    s smallint;
begin
    if consumed_delta = 0 and accounts_delta = 0 and users_delta = 0 then
        return;
    end if;
    s := totals_slot(tenant);
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

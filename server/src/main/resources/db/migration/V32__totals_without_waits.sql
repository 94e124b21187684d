-- The summary cards' running totals (V4) without writers waiting for each other on them.
--
-- V4 counted each user in a fixed slot of the tenant's 128 (a hash of the user id), one trigger call and one slot
-- update per changed row. A batch of 100 charges then held about 70 of the tenant's slots until it committed, so
-- concurrent batches took turns on them whatever their users (BENCHMARKS.md, "Issue 16, session 21": batches ran
-- 25-41 % faster with the trigger off), and a single charge could wait for a slot held by a transaction that wanted
-- its account: a deadlock (LockConflicts).
--
-- Now each change goes to a slot that its transaction holds: the changed user's own slot if no other transaction
-- holds it, else the transaction's backend's slot, else the next free one. A transaction holds a slot by a
-- transaction-level advisory lock on (tenant, slot), tried without waiting: an in-memory lock, where a row lock
-- taken by SELECT ... FOR UPDATE SKIP LOCKED would be written to the table and its WAL each time. The slot's row is
-- then updated by one transaction at a time, so no writer waits on the totals, unless 128 other transactions each
-- hold one of its tenant's slots (then it waits for its backend's). A slot no longer belongs to a user; only a
-- tenant's sum over its slots means anything, and that is all that the summary, the alerts and the reconciliation
-- read. The sums carry over unchanged.
--
-- Updates stay row triggers naming their columns, with a WHEN, so a statement that changes no total (an
-- authorization's hold) costs nothing; the user's own slot first spreads a statement over many rows across the slots
-- (one row updated again and again by one transaction costs more each time: its earlier versions are not yet
-- prunable). Inserts are statement triggers, summed over the statement's rows (a seed of 100,000 accounts adds once).
-- Statement triggers for updates too were tried and not kept: an authorization then paid for a query over the
-- transition tables (BENCHMARKS.md, "Issue 16, session 22").
--
-- A transaction holds at most 128 of these locks per tenant it changes. The service never changes two tenants'
-- accounts in one transaction, but a hand-written statement over the accounts of many tenants at once can outgrow
-- PostgreSQL's lock table: on PostgreSQL 15 with its defaults, one UPDATE of 1,000 accounts in each of 80 tenants
-- went through (10,240 locks), of 500 tenants failed with "out of shared memory". Split such a statement by tenant.

create function add_to_totals(tenant uuid, preferred smallint, consumed_delta bigint, accounts_delta bigint,
        users_delta bigint) returns void language plpgsql as $$
declare
    tenant_key int := hashtext(tenant::text); -- tenants whose hashes collide share lock names, never a slot row
    own        smallint := (pg_backend_pid() & 127)::smallint;
    s          smallint;
begin
    if consumed_delta = 0 and accounts_delta = 0 and users_delta = 0 then
        return;
    end if;
    -- A transaction takes again a lock it holds (they are re-entrant), so its changes keep to the slots it has.
    if pg_try_advisory_xact_lock(tenant_key, preferred) then
        s := preferred;
    elsif pg_try_advisory_xact_lock(tenant_key, own) then
        s := own;
    else
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

create or replace function count_account_totals() returns trigger language plpgsql as $$
begin
    perform add_to_totals(new.tenant_id, (hashtext(new.user_id::text) & 127)::smallint,
                          new.consumed - old.consumed, new.active::int - old.active::int, 0);
    return null;
end $$;

create function count_new_account_totals() returns trigger language plpgsql as $$
declare
    d record;
begin
    for d in select tenant_id, sum(consumed)::bigint as consumed, count(*) filter (where active) as active
               from new_rows group by tenant_id order by tenant_id loop
        perform add_to_totals(d.tenant_id, (pg_backend_pid() & 127)::smallint, d.consumed, d.active, 0);
    end loop;
    return null;
end $$;

create or replace function count_user_totals() returns trigger language plpgsql as $$
begin
    perform add_to_totals(new.tenant_id, (hashtext(new.id::text) & 127)::smallint, 0, 0,
                          new.active::int - old.active::int);
    return null;
end $$;

create function count_new_user_totals() returns trigger language plpgsql as $$
declare
    d record;
begin
    for d in select tenant_id, count(*) filter (where active) as active
               from new_rows group by tenant_id order by tenant_id loop
        perform add_to_totals(d.tenant_id, (pg_backend_pid() & 127)::smallint, 0, 0, d.active);
    end loop;
    return null;
end $$;

drop trigger account_totals on accounts;
create trigger account_totals_new after insert on accounts referencing new table as new_rows
    for each statement execute function count_new_account_totals();
create trigger account_totals after update of consumed, active on accounts
    for each row when (new.consumed <> old.consumed or new.active <> old.active)
    execute function count_account_totals();

drop trigger user_totals on users;
create trigger user_totals_new after insert on users referencing new table as new_rows
    for each statement execute function count_new_user_totals();
create trigger user_totals after update of active on users
    for each row when (new.active <> old.active) execute function count_user_totals();

drop function total_slot(uuid);

-- The summary cards' tenant-wide figures (credits utilized, users with credits, users), kept up to date
-- in the same transaction as every change, so the cards never scan a tenant's accounts and users (100,000
-- rows each on a large tenant, tens of milliseconds per read).
--
-- Each tenant's totals are spread over 128 slot rows, a user always counting in the same slot, so that
-- concurrent charges for different users rarely wait on each other's slot row; a summary sums 128 rows.
-- Triggers keep them, so every writer (the service, an operator's SQL, the benchmark's seed) is counted.
-- Ledger.reconcile() checks them against the accounts and users they summarise.
create table tenant_totals (
    tenant_id       uuid     not null references tenants (id),
    slot            smallint not null check (slot between 0 and 127),
    consumed        bigint   not null default 0,
    active_accounts bigint   not null default 0,
    active_users    bigint   not null default 0,
    primary key (tenant_id, slot)
) with (fillfactor = 50);

create function total_slot(user_id uuid) returns smallint
    language sql immutable parallel safe
    return (hashtext(user_id::text) & 127)::smallint;

create function open_tenant_totals() returns trigger language plpgsql as $$
begin
    insert into tenant_totals (tenant_id, slot) select new.id, s from generate_series(0, 127) s;
    return null;
end $$;

create trigger tenant_totals_open after insert on tenants
    for each row execute function open_tenant_totals();

create function count_account_totals() returns trigger language plpgsql as $$
declare
    consumed_delta bigint := new.consumed - case when tg_op = 'UPDATE' then old.consumed else 0 end;
    active_delta   int    := new.active::int - case when tg_op = 'UPDATE' then old.active::int else 0 end;
begin
    if consumed_delta <> 0 or active_delta <> 0 then
        update tenant_totals
           set consumed = consumed + consumed_delta, active_accounts = active_accounts + active_delta
         where tenant_id = new.tenant_id and slot = total_slot(new.user_id);
    end if;
    return null;
end $$;

create trigger account_totals after insert or update of consumed, active on accounts
    for each row execute function count_account_totals();

create function count_user_totals() returns trigger language plpgsql as $$
declare
    active_delta int := new.active::int - case when tg_op = 'UPDATE' then old.active::int else 0 end;
begin
    if active_delta <> 0 then
        update tenant_totals set active_users = active_users + active_delta
         where tenant_id = new.tenant_id and slot = total_slot(new.id);
    end if;
    return null;
end $$;

create trigger user_totals after insert or update of active on users
    for each row execute function count_user_totals();

-- Accounts and users are never deleted (closing an allocation or deactivating a user keeps the row).
create function refuse_delete() returns trigger language plpgsql as $$
begin
    raise exception '% rows are never deleted: deactivate or close instead', tg_table_name;
end $$;

create trigger accounts_kept before delete on accounts for each row execute function refuse_delete();
create trigger users_kept before delete on users for each row execute function refuse_delete();

-- The totals of the tenants that already exist.
insert into tenant_totals (tenant_id, slot) select t.id, s from tenants t, generate_series(0, 127) s;
update tenant_totals tt set consumed = a.consumed, active_accounts = a.active_accounts
  from (select tenant_id, total_slot(user_id) as slot, sum(consumed) as consumed, count(*) filter (where active) as active_accounts
          from accounts group by 1, 2) a
 where tt.tenant_id = a.tenant_id and tt.slot = a.slot;
update tenant_totals tt set active_users = u.active_users
  from (select tenant_id, total_slot(id) as slot, count(*) filter (where active) as active_users
          from users group by 1, 2) u
 where tt.tenant_id = u.tenant_id and tt.slot = u.slot;

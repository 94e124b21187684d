-- A statement that inserts one account or one user counts it in that user's own slot, as the row triggers of updates
-- do (V32), rather than in its backend's.
--
-- A transaction that inserts accounts one statement at a time (a bulk assign opens up to 10,000) counted each in its
-- backend's slot, so it updated that one slot row up to 10,000 times. Each update of a row that the same transaction
-- already updated passes the row's earlier versions, which nothing may prune before the transaction ends; where the
-- updates cannot stay on the row's page, each also adds an index entry that every later lookup of the slot visits.
-- Spread by user, each of the tenant's 128 slots takes a 128th of them. A statement of many rows (a seed, an import)
-- still adds them all in one slot, in one update.
create or replace function count_new_account_totals() returns trigger language plpgsql as $$
declare
    d record;
begin
    for d in select tenant_id, sum(consumed)::bigint as consumed, count(*) filter (where active) as active,
                    min(user_id::text) as first_user
               from new_rows group by tenant_id order by tenant_id loop
        perform add_to_totals(d.tenant_id, (hashtext(d.first_user) & 127)::smallint, d.consumed, d.active, 0);
    end loop;
    return null;
end $$;

create or replace function count_new_user_totals() returns trigger language plpgsql as $$
declare
    d record;
begin
    for d in select tenant_id, count(*) filter (where active) as active, min(id::text) as first_user
               from new_rows group by tenant_id order by tenant_id loop
        perform add_to_totals(d.tenant_id, (hashtext(d.first_user) & 127)::smallint, 0, 0, d.active);
    end loop;
    return null;
end $$;

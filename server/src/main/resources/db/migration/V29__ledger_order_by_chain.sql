-- The ledger's order no longer rests on the global identity of ledger_entries.id. Each entry carries its place in
-- the chains it belongs to: user_seq in its user's (1, 2, 3… over remaining and held), pool_seq in its tenant's pool's
-- (over unassigned). The statement that writes an entry takes the number from the counter on the row it changes and
-- holds locked (accounts.entry_count, pools.entry_count), so the order is the order in which the changes were
-- applied, whichever node or sequence range the entry's id came from: on Citus, an entry written on a worker draws its
-- id from that worker's range, and ids then say nothing of order.
alter table accounts add column entry_count bigint not null default 0;
alter table pools add column entry_count bigint not null default 0;
alter table ledger_entries add column user_seq bigint, add column pool_seq bigint;

-- Entries written before this migration: numbered in id order, which on one PostgreSQL was the order of the changes.
alter table ledger_entries disable trigger ledger_entries_append_only;
update ledger_entries e
   set user_seq = n.user_seq, pool_seq = n.pool_seq
  from (select id,
               case when user_id is not null
                    then row_number() over (partition by tenant_id, user_id order by id) end as user_seq,
               case when unassigned_after is not null
                    then row_number() over (partition by tenant_id, unassigned_after is not null order by id) end as pool_seq
          from ledger_entries) n
 where e.id = n.id;
alter table ledger_entries enable trigger ledger_entries_append_only;
update accounts a
   set entry_count = (select count(*) from ledger_entries e where e.tenant_id = a.tenant_id and e.user_id = a.user_id);
update pools p
   set entry_count = (select count(*) from ledger_entries e
                       where e.tenant_id = p.tenant_id and e.unassigned_after is not null);

-- An entry of a user has its place in that user's chain, an entry that moves the pool its place in the pool's; no
-- place is taken twice. The user's index replaces the one by id: it serves a user's history newest first.
alter table ledger_entries add constraint ledger_entries_user_seq check ((user_id is null) = (user_seq is null)),
    add constraint ledger_entries_pool_seq check ((unassigned_after is null) = (pool_seq is null));
create unique index ledger_entries_user_chain on ledger_entries (tenant_id, user_id, user_seq) where user_id is not null;
create unique index ledger_entries_pool_chain on ledger_entries (tenant_id, pool_seq) where pool_seq is not null;
drop index ledger_entries_by_user;

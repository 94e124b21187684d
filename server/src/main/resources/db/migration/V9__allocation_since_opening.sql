-- The admin table and a user's balance show the current allocation, not the account's lifetime: a user who
-- left the table and is assigned 100 again sees Assigned 100, not 160. accounts keeps lifetime figures (the
-- ledger's sums); assigned_before_opening is what had been assigned when the allocation was last opened, so
-- the current allocation is assigned - assigned_before_opening and what it consumed is consumed -
-- assigned_before_opening (a debt carried from the earlier allocation shows as consumed from the new one).
-- Both stay >= 0: an allocation closes only at remaining <= 0 (consumed >= assigned), consumed never
-- decreases, and a removal never takes more than remaining.
alter table accounts add column assigned_before_opening bigint not null default 0;

-- Accounts reopened before this migration: what was assigned before their latest ASSIGN (the entry that
-- opened the current allocation), the same figure the ledger's replay of an allocation works out.
update accounts a
   set assigned_before_opening = coalesce((
           select sum(e.assigned_delta) from ledger_entries e
            where e.tenant_id = a.tenant_id and e.user_id = a.user_id
              and e.id < (select max(o.id) from ledger_entries o
                           where o.tenant_id = a.tenant_id and o.user_id = a.user_id and o.type = 'ASSIGN')), 0);

alter table accounts add constraint accounts_opening_within_allocation
    check (assigned_before_opening between 0 and least(assigned, consumed));

-- Where each registered user stands, whether or not they were ever allocated credits: the one place the
-- readers (a balance and its canStart, the refusal explanation, removable for the dialogs) take their figures
-- from, built on V7's rules. Like the table, it shows the current allocation; remaining and available are the
-- account's.
create view account_standing as
select u.tenant_id, u.id as user_id, u.active as user_active,
       coalesce(a.active, false)                                        as allocated,
       coalesce(a.assigned - a.assigned_before_opening, 0)              as assigned,
       coalesce(a.consumed - a.assigned_before_opening, 0)              as consumed,
       coalesce(a.held, 0)                                              as held,
       coalesce(a.assigned - a.consumed, 0)                             as remaining,
       coalesce(credits_available(a.assigned, a.consumed, a.held), 0) as available,
       coalesce(credits_removable(a.assigned, a.consumed, a.held), 0) as removable,
       coalesce(a.open_holds, 0)                                        as in_flight,
       p.max_holds_per_user                                             as in_flight_max,
       admission_refusal(u.active, coalesce(a.active, false),
                         coalesce(credits_available(a.assigned, a.consumed, a.held), 0),
                         coalesce(a.open_holds, 0), p.max_holds_per_user) as refusal
  from people u
  join pools p on p.tenant_id = u.tenant_id
  left join accounts a on a.tenant_id = u.tenant_id and a.user_id = u.id;

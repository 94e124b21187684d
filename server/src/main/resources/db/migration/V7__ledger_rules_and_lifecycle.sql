-- The ledger's rules, each defined once, and the consumption request's lifecycle as data.
--
-- Every statement that decides (authorize, charge, remove, end an allocation) and every reader that explains
-- or shows a decision (the refusal's reason, canStart on a balance, the dialogs' limits, the admin table)
-- calls these functions or reads the account_standing view built on them (V9). They are plain SQL expressions,
-- IMMUTABLE, so PostgreSQL inlines them into each statement: naming a rule costs nothing on the charge path.

-- available = remaining - held: what a new AI request may still be admitted against.
create function credits_available(assigned bigint, consumed bigint, held bigint) returns bigint
    language sql immutable parallel safe
    return assigned - consumed - held;

-- removable = max(0, remaining - held): consumed credits are never reclaimed, held ones not while a request runs.
create function credits_removable(assigned bigint, consumed bigint, held bigint) returns bigint
    language sql immutable parallel safe
    return greatest(0, assigned - consumed - held);

-- Why a new AI request would be refused, or null when it would be admitted. The admission statements admit
-- exactly when this is null; the explanation of a refusal and canStart read the same function, so canStart
-- is true exactly when authorize would admit at that moment. The order of the cases is the order in which
-- a refusal is explained (a deactivated user is told that first, whatever their balance).
create function admission_refusal(user_active boolean, allocated boolean, available bigint, in_flight integer,
        in_flight_max integer) returns text
    language sql immutable parallel safe
    return case
        when not user_active then 'USER_INACTIVE'
        when not allocated then 'NO_ALLOCATION'
        when available <= 0 then 'CREDITS_EXHAUSTED'
        when in_flight >= in_flight_max then 'TOO_MANY_IN_FLIGHT'
    end;

-- Where each registered user stands (the view account_standing, built on these functions) is created in
-- V9__allocation_since_opening.sql, once the account knows when its current allocation was opened.

-- Ending an allocation that has nothing left to remove (remaining at or below zero, nothing held) is an entry.
alter table ledger_entries drop constraint ledger_entries_type_check;
alter table ledger_entries add constraint ledger_entries_type_check check (type in
    ('PURCHASE', 'ASSIGN', 'ADD', 'REMOVE', 'END', 'AUTHORIZE', 'SETTLE', 'VOID', 'EXPIRE', 'CHARGE'));

-- ------------------------------------------------------------------ the request lifecycle
--
--   (start) ──authorize──▶ AUTHORIZED ──settle──▶ SETTLED
--   (start) ──charge─────▶ SETTLED        ├──void────▶ VOIDED
--                                         └──expire──▶ EXPIRED ──settle──▶ SETTLED   (until the settle deadline)
--                                                              └──void────▶ VOIDED   (until the settle deadline)
--
-- SETTLED and VOIDED are final, and so is EXPIRED once its settle deadline has passed. The overdraft bound
-- (SPEC, "The overdraft bound, made exact") needs an expired request to keep its in-flight slot until it is
-- settled, voided or its deadline passes, so `in_flight` is kept apart from `status`: true for AUTHORIZED and
-- for EXPIRED before the deadline. accounts.open_holds counts the requests in flight.

create table request_transitions (
    from_status text not null,
    to_status   text not null,
    operation   text not null,
    guard       text not null,
    primary key (from_status, to_status)
);

insert into request_transitions (from_status, to_status, operation, guard) values
    ('START',      'AUTHORIZED', 'authorize', 'active user, active allocation, available > 0, in flight < the limit'),
    ('START',      'SETTLED',    'charge',    'active user, active allocation, available > 0, in flight < the limit'),
    ('AUTHORIZED', 'SETTLED',    'settle',    'always: the work is done, the whole cost is recorded'),
    ('AUTHORIZED', 'VOIDED',     'void',      'always'),
    ('AUTHORIZED', 'EXPIRED',    'sweeper',   'the hold''s time-to-live has passed'),
    ('EXPIRED',    'SETTLED',    'settle',    'still in flight: before the settle deadline'),
    ('EXPIRED',    'VOIDED',     'void',      'still in flight: before the settle deadline');

alter table consumption_requests
    add column in_flight boolean not null default false,
    add column settle_by timestamptz;
-- Requests authorized before this migration: open ones keep their slot; expired ones already gave it back
-- under the old rule, so they are past any deadline.
update consumption_requests set settle_by = created_at + interval '24 hours' where expires_at is not null;
update consumption_requests set in_flight = true where status = 'AUTHORIZED';
update consumption_requests set settle_by = least(settle_by, finished_at) where status = 'EXPIRED';
alter table consumption_requests
    add constraint consumption_requests_in_flight check (in_flight = (status = 'AUTHORIZED') or status = 'EXPIRED'),
    add constraint consumption_requests_settle_by check ((settle_by is null) = (expires_at is null));

-- The deadline sweep reads only the expired requests still holding a slot.
create index consumption_requests_lapsing on consumption_requests (settle_by) where status = 'EXPIRED' and in_flight;

-- The database refuses every change of status the table above does not list, whoever writes it.
create function check_request_transition() returns trigger language plpgsql as $$
declare
    prior text := case when tg_op = 'INSERT' then 'START' else old.status end;
begin
    if tg_op = 'UPDATE' and old.status = new.status then
        return new;
    end if;
    if not exists (select 1 from request_transitions t where t.from_status = prior and t.to_status = new.status) then
        raise exception 'request % may not go from % to %', new.request_id, prior, new.status
            using errcode = 'check_violation';
    end if;
    if tg_op = 'UPDATE' and old.status = 'EXPIRED' and not old.in_flight then
        raise exception 'request % expired and its settle deadline passed: it is final', new.request_id
            using errcode = 'check_violation';
    end if;
    return new;
end $$;

-- Every change of status is checked against the table. A new request starts as one of the table's two START
-- targets; the WHEN clause lets those inserts (every authorize and charge) skip the function call, and any
-- other start is still checked, and refused, by it.
create trigger consumption_requests_lifecycle_start
    before insert on consumption_requests
    for each row when (new.status not in ('AUTHORIZED', 'SETTLED'))
    execute function check_request_transition();
create trigger consumption_requests_lifecycle
    before update of status on consumption_requests
    for each row when (old.status is distinct from new.status)
    execute function check_request_transition();

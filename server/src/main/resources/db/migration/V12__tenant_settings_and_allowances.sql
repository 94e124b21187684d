-- Part two: tenant settings, recurring allowances and their grants.

-- ------------------------------------------------------------------ tenant settings (module settings)
--
-- One row per tenant that changed anything; a tenant without a row has the defaults below (SPEC part two).
-- The in-flight limit is not here: it stays pools.max_holds_per_user, where the admission statements read it.
create table tenant_settings (
    tenant_id                            uuid        primary key references tenants (id),
    time_zone                            text        not null default 'UTC' check (length(time_zone) between 1 and 64),
    reclaim_on_deactivate                boolean     not null default true,
    -- alerts: null turns an alert off
    alert_user_low_percent               integer     default 20 check (alert_user_low_percent between 0 and 100),
    alert_user_exhausted                 boolean     not null default true,
    alert_pool_unassigned_below          bigint      check (alert_pool_unassigned_below >= 0),
    alert_tenant_available_below_percent integer     default 10 check (alert_tenant_available_below_percent between 0 and 100),
    updated_at                           timestamptz not null
);

-- A role's default allowance: a user registered with that role gets it at once.
create table role_allowance_defaults (
    tenant_id uuid   not null references tenants (id),
    role      text   not null check (role in ('Admin', 'Planner', 'Viewer')),
    credits   bigint not null check (credits > 0),
    period    text   not null check (period in ('MONTHLY', 'WEEKLY')),
    mode      text   not null check (mode in ('RESET', 'TOP_UP')),
    primary key (tenant_id, role)
);

-- ------------------------------------------------------------------ allowances (module ledger)

-- At most one allowance per user; removing it stops future grants (what was granted stays in the ledger).
create table allowances (
    tenant_id  uuid        not null,
    user_id    uuid        not null,
    credits    bigint      not null check (credits > 0),
    period     text        not null check (period in ('MONTHLY', 'WEEKLY')),
    mode       text        not null check (mode in ('RESET', 'TOP_UP')),
    note       text        check (length(note) <= 500),
    set_by     text        not null check (length(set_by) between 1 and 200),
    set_at     timestamptz not null,
    primary key (tenant_id, user_id),
    foreign key (tenant_id, user_id) references users (tenant_id, id)
);

-- One row per user and calendar period granted: the primary key is what makes a grant happen exactly once,
-- whatever runs it (the period job on several instances, a restart, setting the allowance, a role default).
-- It is inserted in the same transaction as the grant's ledger entries, so a crash leaves both or neither.
-- period_start is the period's first day in the tenant's time zone in force when it was granted: changing
-- the time zone never grants a calendar period twice.
create table allowance_grants (
    tenant_id    uuid        not null,
    user_id      uuid        not null,
    period       text        not null check (period in ('MONTHLY', 'WEEKLY')),
    period_start date        not null,
    mode         text        not null check (mode in ('RESET', 'TOP_UP')),
    -- what the allowance called for at the period start, what the pool could give, and the rest
    due          bigint      not null check (due >= 0),
    granted      bigint      not null check (granted >= 0),
    shortfall    bigint      not null check (shortfall >= 0),
    -- a RESET's unused credits returned to the pool first
    returned     bigint      not null default 0 check (returned >= 0),
    time_zone    text        not null,
    at           timestamptz not null,
    completed_at timestamptz,
    primary key (tenant_id, user_id, period, period_start),
    check (granted + shortfall = due)
);
-- grant-current-period finds the short grants of one period without reading history.
create index allowance_grants_short on allowance_grants (tenant_id, period, period_start) where shortfall > 0;

-- ------------------------------------------------------------------ the ledger

-- A grant is an ALLOWANCE entry (actor "allowance", the period in the note and, machine-readable, in reference);
-- a RESET's return to the pool a REMOVE entry by the same actor.
alter table ledger_entries drop constraint ledger_entries_type_check;
alter table ledger_entries add constraint ledger_entries_type_check check (type in
    ('PURCHASE', 'ASSIGN', 'ADD', 'REMOVE', 'END', 'AUTHORIZE', 'SETTLE', 'VOID', 'EXPIRE', 'CHARGE', 'ALLOWANCE'));

-- Until now only an ASSIGN opened an allocation; a grant may too (an allowance needs no prior allocation). The
-- replay of an admin call (LedgerQueries.rowAfter) must know which entry last opened the allocation.
-- Earlier entries keep false (the table is append-only): an ASSIGN always opens, so readers test
-- "type = 'ASSIGN' or opens_allocation".
alter table ledger_entries add column opens_allocation boolean not null default false;

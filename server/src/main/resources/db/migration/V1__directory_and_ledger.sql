-- Every table leads with tenant_id and every key and index starts with it: no query can
-- reach across tenants by accident, and the schema can be distributed by tenant (Citus).
-- Credits are integer thousandths in BIGINT: exact, never floating point.

create extension if not exists pg_trgm;
create extension if not exists btree_gin;

-- ---------------------------------------------------------------- directory

create table tenants (
    id          uuid        primary key,
    name        text        not null check (length(name) between 1 and 200),
    created_at  timestamptz not null
);

create table users (
    tenant_id     uuid        not null references tenants (id),
    id            uuid        not null,
    name          text        not null check (length(name) between 1 and 200),
    email         text        not null check (length(email) between 3 and 320),
    role          text        not null check (role in ('Admin', 'Planner', 'Viewer')),
    active        boolean     not null default true,
    external_id   text        check (length(external_id) <= 200),
    password_hash text,
    created_at    timestamptz not null,
    -- What the admin's search box matches: name or email, case-insensitively.
    search_text   text        generated always as (lower(name) || ' ' || lower(email)) stored,
    primary key (tenant_id, id)
);
create unique index users_email_per_tenant on users (tenant_id, lower(email));
create index users_by_name on users (tenant_id, lower(name), id);
-- Substring search over 100,000 users of one tenant needs trigrams; btree_gin lets the
-- index still lead with tenant_id.
create index users_search on users using gin (tenant_id, search_text gin_trgm_ops);

-- ---------------------------------------------------------------- ledger

-- One pool per tenant. Unassigned = purchased - assigned, and the check keeps it >= 0
-- even if a statement's own condition were ever wrong.
create table pools (
    tenant_id          uuid    primary key references tenants (id),
    purchased          bigint  not null default 0 check (purchased >= 0),
    assigned           bigint  not null default 0 check (assigned >= 0),
    max_holds_per_user integer not null default 4 check (max_holds_per_user between 1 and 1000),
    check (assigned <= purchased)
);

-- One account per user who was ever allocated credits; closing an allocation keeps the
-- row (and its consumption) so that a later assignment reopens the same account.
-- remaining = assigned - consumed (negative after over-consumption); available = remaining - held.
-- No index on the balance columns: every charge changes them, and leaving them unindexed
-- keeps those updates HOT (fillfactor leaves room on the page for that).
create table accounts (
    tenant_id   uuid        not null,
    user_id     uuid        not null,
    assigned    bigint      not null check (assigned >= 0),
    consumed    bigint      not null default 0 check (consumed >= 0),
    held        bigint      not null default 0 check (held >= 0),
    open_holds  integer     not null default 0 check (open_holds >= 0),
    active      boolean     not null,
    opened_at   timestamptz not null,
    updated_at  timestamptz not null,
    primary key (tenant_id, user_id),
    foreign key (tenant_id, user_id) references users (tenant_id, id)
) with (fillfactor = 80);

-- One row per caller-chosen request id, forever: this is what makes authorize, settle,
-- void and charge idempotent, and what stops a request from being charged twice.
create table consumption_requests (
    tenant_id           uuid        not null,
    request_id          text        not null check (length(request_id) between 1 and 128),
    user_id             uuid        not null,
    feature             text        not null check (length(feature) between 1 and 64),
    status              text        not null check (status in ('AUTHORIZED', 'SETTLED', 'VOIDED', 'EXPIRED')),
    held                bigint      not null check (held >= 0),
    cost                bigint      check (cost >= 0),
    available_after     bigint      not null,
    remaining_after     bigint,
    created_at          timestamptz not null,
    expires_at          timestamptz,
    finished_at         timestamptz,
    primary key (tenant_id, request_id),
    foreign key (tenant_id, user_id) references accounts (tenant_id, user_id),
    check ((status = 'SETTLED') = (cost is not null))
) with (fillfactor = 90);
-- Only open holds are indexed, so the expiry sweep reads a handful of rows, not history.
create index consumption_requests_open on consumption_requests (tenant_id, expires_at)
    where status = 'AUTHORIZED';

-- The append-only ledger. The *_delta columns are what each entry did to the balances;
-- reconciliation sums them and must arrive at the pools and accounts exactly.
create table ledger_entries (
    tenant_id          uuid        not null,
    id                 bigint      generated always as identity,
    user_id            uuid,
    type               text        not null check (type in
                           ('PURCHASE', 'ASSIGN', 'ADD', 'REMOVE', 'AUTHORIZE', 'SETTLE', 'VOID', 'EXPIRE', 'CHARGE')),
    credits            bigint      not null,
    purchased_delta    bigint      not null default 0,
    assigned_delta     bigint      not null default 0,
    consumed_delta     bigint      not null default 0,
    held_delta         bigint      not null default 0,
    remaining_before   bigint,
    remaining_after    bigint,
    held_after         bigint,
    unassigned_before  bigint,
    unassigned_after   bigint,
    note               text        check (length(note) <= 500),
    actor              text        not null check (length(actor) between 1 and 200),
    reference          text        check (length(reference) <= 200),
    feature            text,
    request_id         text,
    idempotency_key    text        check (length(idempotency_key) <= 200),
    at                 timestamptz not null,
    primary key (tenant_id, id),
    check ((user_id is null) = (type = 'PURCHASE'))
);
create index ledger_entries_by_user on ledger_entries (tenant_id, user_id, id) where user_id is not null;
-- Purchase history is read often and purchases are few; other type filters scan by id.
create index ledger_entries_purchases on ledger_entries (tenant_id, id) where type = 'PURCHASE';
create unique index ledger_entries_idempotency on ledger_entries (tenant_id, idempotency_key)
    where idempotency_key is not null;

create function ledger_entries_are_immutable() returns trigger language plpgsql as $$
begin
    raise exception 'ledger_entries is append-only: corrections are new entries';
end
$$;
create trigger ledger_entries_append_only
    before update or delete on ledger_entries
    for each row execute function ledger_entries_are_immutable();
create trigger ledger_entries_no_truncate
    before truncate on ledger_entries
    for each statement execute function ledger_entries_are_immutable();

-- API keys: the key itself is never stored, only its SHA-256 (keys are 256-bit random, so a fast
-- hash is enough). The tenant id is part of the key text, so lookup stays tenant-first.
create table api_keys (
    tenant_id     uuid        not null references tenants (id),
    id            uuid        not null,
    name          text        not null check (length(name) between 1 and 100),
    scope         text        not null check (scope in ('admin', 'consume')),
    key_hash      bytea       not null,
    created_at    timestamptz not null,
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    primary key (tenant_id, id)
);
create unique index api_keys_by_hash on api_keys (tenant_id, key_hash);

-- The first response to each Idempotency-Key, replayed to retries. Platform-wide calls (creating a
-- tenant) use the nil tenant id. A row still IN_FLIGHT means the first call is running (or died: an old
-- one is taken over). Kept at least 24 hours; the cleanup job removes older rows.
create table idempotency_keys (
    tenant_id     uuid        not null,
    key           text        not null check (length(key) between 1 and 200),
    request_hash  bytea       not null,
    status        integer,
    body          text,
    created_at    timestamptz not null,
    completed_at  timestamptz,
    primary key (tenant_id, key)
);
create index idempotency_keys_by_age on idempotency_keys (created_at);

-- Who did what outside the ledger (directory changes, keys, tenants) and every refused attempt
-- (401, 403, 404, refused consumption). Ledger changes are audited by their ledger entries.
create table audit_events (
    tenant_id     uuid        not null,
    id            bigint      generated always as identity,
    actor         text        not null,
    method        text        not null,
    path          text        not null,
    status        integer     not null,
    code          text,
    at            timestamptz not null,
    primary key (tenant_id, id)
);

-- Sign-in is the one lookup that does not know the tenant yet: the person types only an email.
create index users_by_email on users (lower(email)) where password_hash is not null;

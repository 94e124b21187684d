-- Webhooks (SPEC part two): endpoints, the outbox of events, one delivery per (event, subscribed endpoint), and
-- every attempt. An event and its deliveries are written in the transaction of the change that causes them, so a
-- rolled-back change sends nothing and a committed one is never lost; the worker delivers after commit.

create table webhook_endpoints (
    tenant_id      uuid        not null references tenants (id),
    id             uuid        not null,
    url            text        not null check (length(url) between 1 and 2000),
    -- event type names, or '*' for all
    events         text[]      not null check (cardinality(events) between 1 and 50),
    description    text        check (length(description) <= 500),
    enabled        boolean     not null default true,
    -- the whsec_ secret sealed by SecretBox (AES-256-GCM under aicredits.secrets.key, bound to this row):
    -- a database dump alone cannot sign deliveries
    secret_sealed  text        not null,
    -- the first failed attempt of the current run of failures; null while deliveries succeed. An endpoint failing
    -- for aicredits.webhooks.disable-after (24 h) is disabled.
    failing_since  timestamptz,
    disabled_at    timestamptz,
    disabled_reason text,
    -- the Idempotency-Key of the POST that registered it: a retry gets the same endpoint (and its secret) back,
    -- without the secret ever being stored in plain text in idempotency_keys
    idempotency_key text,
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    primary key (tenant_id, id),
    unique (tenant_id, idempotency_key)
);

create table webhook_events (
    tenant_id   uuid        not null references tenants (id),
    -- the webhook-id header: the same on every attempt and resend, so receivers dedupe on it
    id          uuid        not null,
    type        text        not null check (length(type) between 1 and 100),
    -- the exact body sent, {type, timestamp, data}: kept as text so every retry signs and sends the same bytes
    body        text        not null,
    created_at  timestamptz not null,
    primary key (tenant_id, id)
);

create table webhook_deliveries (
    tenant_id        uuid        not null,
    id               uuid        not null,
    -- the order deliveries were written in (newest first in the log, even within one transaction)
    seq              bigint      generated always as identity,
    endpoint_id      uuid        not null,
    event_id         uuid        not null,
    status           text        not null check (status in ('PENDING', 'DELIVERED', 'FAILED')),
    attempts         integer     not null default 0 check (attempts >= 0),
    next_attempt_at  timestamptz,
    -- when the current run of attempts began (the first, or the latest resend): retried until this plus
    -- aicredits.webhooks.retry.give-up-after (24 h), then FAILED
    retrying_since   timestamptz not null,
    -- a worker's claim: until lease_until only the holder of lease_token may record the attempt's outcome; a worker
    -- that died mid-attempt loses its claim when the lease runs out and another instance retries (at least once)
    lease_until      timestamptz,
    lease_token      uuid,
    last_status_code integer,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, endpoint_id) references webhook_endpoints (tenant_id, id) on delete cascade,
    foreign key (tenant_id, event_id) references webhook_events (tenant_id, id),
    check ((status = 'PENDING') = (next_attempt_at is not null)),
    check ((status = 'DELIVERED') = (delivered_at is not null))
);

create index webhook_deliveries_of_endpoint on webhook_deliveries (tenant_id, endpoint_id, seq desc);
-- The one index that does not start with tenant_id: the worker looks for due deliveries across all tenants, as
-- db-scheduler's scheduled_tasks does. Partial, so it holds only the pending few.
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'PENDING';

create table webhook_attempts (
    tenant_id        uuid        not null,
    delivery_id      uuid        not null,
    attempt          integer     not null check (attempt >= 1),
    at               timestamptz not null,
    status_code      integer,
    latency_ms       integer     not null check (latency_ms >= 0),
    -- at most 1 KB of the receiver's answer
    response_excerpt text        check (octet_length(response_excerpt) <= 1024),
    error            text,
    primary key (tenant_id, delivery_id, attempt),
    foreign key (tenant_id, delivery_id) references webhook_deliveries (tenant_id, id) on delete cascade
);

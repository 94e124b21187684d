-- A decision made on the admin screen has no API call for the audit filter to see: the deciding module records
-- it itself, with what was decided (amount, note, reason) in detail.
alter table audit_events add column detail text;

-- E-mail written in the same transaction as the notification that causes it, sent after commit by a worker
-- (claimed with FOR UPDATE SKIP LOCKED and a lease, so several instances never send one twice), retried with
-- backoff, given up after a few attempts. Sent and given-up rows are deleted after the outbox retention.
create table email_outbox (
    id            bigint      generated always as identity primary key,
    tenant_id     uuid        not null,
    recipient     text        not null,
    subject       text        not null,
    body          text        not null,
    created_at    timestamptz not null,
    attempts      integer     not null default 0,
    next_at       timestamptz not null,
    lease_until   timestamptz,
    lease_token   uuid,
    sent_at       timestamptz,
    failed_at     timestamptz,
    last_error    text
);
-- The worker's claim reads only what is still to send, oldest due first.
create index email_outbox_due on email_outbox (next_at) where sent_at is null and failed_at is null;
create index email_outbox_finished on email_outbox (created_at) where sent_at is not null or failed_at is not null;

-- Credit requests (SPEC part two, "Credit requests"): a user asks for credits, an admin approves (an assign or
-- add from the pool, in the same transaction as the status change) or declines. One pending request per user,
-- held by the partial unique index, so two requests filed at once cannot both be pending.
create table credit_requests (
    tenant_id  uuid        not null references tenants (id),
    id         uuid        not null default gen_random_uuid(),
    user_id    uuid        not null,
    credits    bigint      not null check (credits > 0),
    reason     text        not null check (length(reason) between 1 and 500),
    status     text        not null default 'PENDING' check (status in ('PENDING', 'APPROVED', 'DECLINED')),
    filed_by   text        not null,
    created_at timestamptz not null,
    granted    bigint      check (granted > 0),
    -- The approval's note, or the reason for declining.
    decision_note text     check (length(decision_note) <= 500),
    decided_by text,
    decided_at timestamptz,
    primary key (tenant_id, id),
    check ((status = 'PENDING') = (decided_at is null)),
    check ((status = 'APPROVED') = (granted is not null))
);

create unique index credit_requests_one_pending on credit_requests (tenant_id, user_id) where status = 'PENDING';
create index credit_requests_by_status on credit_requests (tenant_id, status, created_at);
create index credit_requests_by_user on credit_requests (tenant_id, user_id, created_at desc);

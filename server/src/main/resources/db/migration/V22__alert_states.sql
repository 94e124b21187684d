-- Alerts fire once per crossing (SPEC part two, "Alerts and notifications"). A row here means the alert of
-- that kind has fired for that subject (a user, or the tenant itself for the pool alerts) and is not yet
-- re-armed: firing is an insert that does nothing when the row exists, so of many concurrent operations that
-- see the same crossing exactly one inserts it and notifies; re-arming (the figure rose back above the
-- threshold) deletes it.
create table alert_states (
    tenant_id uuid        not null references tenants (id),
    subject   uuid        not null,
    kind      text        not null check (kind in ('USER_LOW', 'USER_EXHAUSTED', 'POOL_UNASSIGNED', 'TENANT_AVAILABLE')),
    figure    bigint      not null,
    threshold bigint      not null,
    fired_at  timestamptz not null,
    primary key (tenant_id, subject, kind)
);

-- The notification centre (SPEC part two, "Alerts and notifications"): one row per person told, so each
-- person has their own read state. Notifications for "the tenant's admins" are one row per admin, written
-- when they arise; an admin appointed later does not inherit earlier ones.
create table notifications (
    tenant_id  uuid        not null references tenants (id),
    id         uuid        not null default gen_random_uuid(),
    user_id    uuid        not null,
    type       text        not null check (length(type) <= 64),
    title      text        not null check (length(title) <= 200),
    body       text        not null check (length(body) <= 2000),
    link       text        check (length(link) <= 500),
    at         timestamptz not null,
    read_at    timestamptz,
    primary key (tenant_id, id)
);

-- The bell's count and the list: a person's newest first, unread ones found without reading the rest.
create index notifications_by_person on notifications (tenant_id, user_id, at desc);
create index notifications_unread on notifications (tenant_id, user_id) where read_at is null;

-- A tenant's OpenID Connect provider (issue 15). At most one per tenant; deleting the row turns single sign-on
-- off. The client secret is sealed by SecretBox (AES-256-GCM under aicredits.secrets.key, bound to the tenant):
-- never stored, returned or logged in the clear.
-- Every save draws a new version, so a connection deleted and made again never repeats an old one.
create sequence sso_connection_versions;

create table sso_connections (
    tenant_id     uuid        primary key references tenants (id),
    issuer        text        not null check (length(issuer) between 8 and 500),
    client_id     text        not null check (length(client_id) between 1 and 500),
    client_secret text        not null,
    -- Password sign-in refused for the tenant's people: they sign in at the provider.
    enforced      boolean     not null default false,
    -- Just-in-time creation: an unknown person the provider vouches for is registered with this role; null = off.
    jit_role      text        check (jit_role in ('Admin', 'Planner', 'Viewer')),
    updated_at    timestamptz not null,
    -- Every instance compares this with the registration it has cached, so a change reaches all of them.
    version       bigint      not null default nextval('sso_connection_versions')
);

-- The provider's stable id for a person (the ID token's iss and sub), stored at their first single sign-on:
-- later sign-ins match by it, so a changed e-mail at the provider still finds the same user. Tenant first.
alter table users add column sso_issuer text check (length(sso_issuer) <= 500);
alter table users add column sso_subject text check (length(sso_subject) <= 255);
alter table users add constraint users_sso_identity_whole check ((sso_issuer is null) = (sso_subject is null));
create unique index users_by_sso_subject on users (tenant_id, sso_issuer, sso_subject) where sso_subject is not null;

-- The sign-in page's first step finds the organisations an e-mail belongs to, across tenants, including people
-- without a password (single sign-on only): V2's index covered only those with one.
create index users_by_any_email on users (lower(email));

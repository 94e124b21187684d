-- Where each user came from: typed in by an admin (manual), provisioned by the customer's directory (scim),
-- or created at a first single sign-on (sso). The Users tab shows it, and an admin can tell which users their
-- identity provider owns (a change made here would be overwritten by the next SCIM push).
alter table users add column source text not null default 'manual' check (source in ('manual', 'scim', 'sso'));

-- A SCIM client finds its users by the id it keeps for them (filter externalId eq "…"): tenant first, like
-- every index. Not unique: RFC 7643 leaves externalId to the client, and rows from part one may repeat one.
create index users_by_external_id on users (tenant_id, external_id) where external_id is not null;

-- A third key scope: a tenant's token for its directory's SCIM endpoints (/scim/v2), nothing else.
-- The check constraint of V2 has the default name api_keys_scope_check.
alter table api_keys drop constraint api_keys_scope_check;
alter table api_keys add constraint api_keys_scope_check check (scope in ('admin', 'consume', 'scim'));

-- When a user's directory record (name, e-mail, role, state, external id) last changed: SCIM's meta.lastModified
-- (RFC 7643 §3.1), which a directory compares to decide what to push again. A user never changed since registration
-- has it equal to created_at, as the RFC asks.
alter table users add column changed_at timestamptz;
update users set changed_at = created_at;
alter table users alter column changed_at set not null;

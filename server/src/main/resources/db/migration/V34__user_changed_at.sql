-- When a user's directory record (name, e-mail, role, state, external id) last changed: SCIM's meta.lastModified
-- (RFC 7643 §3.1), which a directory compares to decide what to push again. Null until the record first changes,
-- read as created_at, as the RFC asks of a resource never modified (and so every writer of new users, the seeds and
-- imports included, needs to know nothing of it).
alter table users add column changed_at timestamptz;

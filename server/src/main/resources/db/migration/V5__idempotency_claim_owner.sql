-- Who holds an unfinished claim on an Idempotency-Key: the PostgreSQL session (pid and start time) that made it.
-- When that session is gone, the instance that made the claim died or the database restarted; either way the
-- call cannot still be writing, and a retry may take the key over at once instead of waiting for abandon-after.
alter table idempotency_keys add column owner_pid integer, add column owner_started timestamptz;

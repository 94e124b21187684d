-- A ledger entry's id is a platform-wide sequence: shown to a tenant, consecutive ids would tell them how much
-- every other tenant does. The API shows this random id instead; the sequence stays the internal order.
-- No index: nothing is looked up by it, and every charge would pay for one.
alter table ledger_entries add column public_id uuid not null default gen_random_uuid();

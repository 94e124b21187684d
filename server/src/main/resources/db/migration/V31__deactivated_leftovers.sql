-- The hold sweeper's pass over deactivated users (ledger/DeactivationReclaim.reclaimLeftovers) starts from the
-- directory's inactive people, who are few where a tenant's people are many. Through the people view (V6).
create index users_inactive on users (tenant_id, id) where not active;

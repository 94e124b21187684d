-- Distributes the schema by tenant on a Citus cluster. Run once with psql on the coordinator, after the service
-- (Flyway) has created the schema there; see docs/operations.md, "Distributing by tenant with Citus".
-- TenantDistributionSchemaTest reads this file: every table must be named here exactly once, and every key,
-- unique index and foreign key of a distributed table must include its tenant column.
\set ON_ERROR_STOP on

-- Shards carry the tables' triggers (append-only ledger, never-deleted users and accounts, the request
-- lifecycle, the summary cards' totals): Citus distributes a table with triggers only with this on.
-- Set for the database too, so that later migrations (run on the coordinator) keep working.
select format('alter database %I set citus.enable_unsafe_triggers = on', current_database()) \gexec
set citus.enable_unsafe_triggers = on;

-- Read by the request-lifecycle trigger on every shard of consumption_requests.
select create_reference_table('request_transitions');

-- The tenant's id is its key; every other tenant table is co-located with it, so a tenant's rows of every
-- table live on one node and a statement that names the tenant runs there alone.
select create_distributed_table('tenants', 'id');
select create_distributed_table('users', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('pools', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('tenant_totals', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('tenant_settings', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('role_allowance_defaults', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('api_keys', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('sso_connections', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('accounts', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('consumption_requests', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('ledger_entries', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('allowances', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('allowance_grants', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('idempotency_keys', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('audit_events', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('conversations', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('conversation_messages', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('usage_zones', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('usage_daily', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('usage_daily_features', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('user_runways', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('webhook_endpoints', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('webhook_events', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('webhook_deliveries', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('webhook_attempts', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('alert_states', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('notifications', 'tenant_id', colocate_with => 'tenants');
select create_distributed_table('credit_requests', 'tenant_id', colocate_with => 'tenants');

-- Kept on the coordinator only (plain tables there, never joined with a tenant's rows in a statement that
-- must stay on one node):
-- coordinator only: flyway_schema_history — Flyway's own record of the migrations, which run on the coordinator
-- coordinator only: spring_session — sign-in sessions, looked up by session id before any tenant is known
-- coordinator only: spring_session_attributes — the sessions' attributes, deleted with them (foreign key)
-- coordinator only: scheduled_tasks — the job scheduler's table, claimed across tenants
-- coordinator only: email_outbox — a queue of every tenant's e-mails, claimed across tenants by its own id
-- coordinator only: usage_watermark — one row: how far the usage roll-up has folded the ledger

-- The admission functions (credits_authorize, credits_charge, credits_finish, credits_expire_one: V30) stay plain
-- functions on the coordinator, which runs them and sends each of their statements to the tenant's worker. Handed to
-- the worker whole (create_distributed_function), an entry would take the worker's transaction id as its tx, which
-- the usage folder compares with the coordinator's watermark (V18): see docs/operations.md.

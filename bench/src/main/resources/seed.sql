-- Seeds the benchmark data set straight in SQL, consistently with the ledger's rules so that
-- reconciliation stays clean (same technique as LargeTenantQueryPlanTest):
--   users and accounts; per tenant one PURCHASE of everything assigned; one ASSIGN per user chained on
--   the pool's unassigned; then :k CHARGE entries of 1 credit per user, each with its settled request row,
--   chained on the user's remaining.
-- The tenants (and their pools) already exist: bench setup created them through the API.
-- psql variables: big (the largest tenant's id), users_big, users_other, entries (total ledger entries wanted).
-- User ids are md5(tenant || ':' || n)::uuid, n = 1..users, so load clients and pgbench pick users without a list.
\set ON_ERROR_STOP on
\timing on
set synchronous_commit = off;
set work_mem = '64MB';
set maintenance_work_mem = '256MB';

create temp table seed_tenants as
select id as tenant_id, case when id = :'big'::uuid then :users_big else :users_other end as nusers from tenants;

select count(*) as ntenants, sum(nusers) as nusers from seed_tenants \gset
-- Charges per user so that purchases + assigns + charges reach the wanted number of entries.
select greatest(0, (:entries - :nusers - :ntenants) / :nusers) as k \gset
\echo seeding :ntenants tenants, :nusers users, :k charges per user

insert into users (tenant_id, id, name, email, role, created_at)
select t.tenant_id, md5(t.tenant_id::text || ':' || n)::uuid,
       initcap(substr(md5(n::text), 1, 7)) || ' ' || initcap(substr(md5((n * 31)::text), 1, 9)),
       'user' || n || '@bench.example', (array['Admin', 'Planner', 'Viewer'])[1 + n % 3], now()
  from seed_tenants t cross join lateral generate_series(1, t.nusers) n;

-- Everyone holds 1,000,000 credits (in thousandths), so no charge of the run is refused.
insert into accounts (tenant_id, user_id, assigned, consumed, active, opened_at, updated_at, entry_count)
select tenant_id, id, 1000000000, :k * 1000, true, now(), now(), 1 + :k from users
 where tenant_id in (select tenant_id from seed_tenants);
analyze users, accounts;

-- The pool, the entries and the requests in one transaction whose id every entry carries as its tx (the usage
-- folder's order, V18), read here rather than left to the column's default: on Citus the inserts below run on the
-- workers, where the default would take each worker's own transaction id.
begin;
select pg_current_xact_id()::text::bigint as seed_tx \gset
with total as (select tenant_id, sum(assigned) as credits from accounts group by tenant_id),
pool as (update pools p set purchased = total.credits, assigned = total.credits,
                            entry_count = 1 + (select count(*) from accounts a where a.tenant_id = p.tenant_id)
           from total where p.tenant_id = total.tenant_id returning p.tenant_id, p.purchased)
insert into ledger_entries (tenant_id, type, credits, purchased_delta, unassigned_before, unassigned_after, actor, reference, at,
    pool_seq, tx)
select tenant_id, 'PURCHASE', purchased, purchased, 0, purchased, 'seed', 'PO-BENCH', now(), 1, :seed_tx from pool;

insert into ledger_entries (tenant_id, user_id, type, credits, assigned_delta, remaining_before,
    remaining_after, held_after, unassigned_before, unassigned_after, actor, at, user_seq, pool_seq, tx)
select tenant_id, user_id, 'ASSIGN', assigned, assigned, 0, assigned, 0,
       total - running + assigned, total - running, 'seed', now(), 1, 1 + place, :seed_tx
  from (select tenant_id, user_id, assigned,
               sum(assigned) over (partition by tenant_id) as total,
               sum(assigned) over (partition by tenant_id order by user_id rows unbounded preceding) as running,
               row_number() over (partition by tenant_id order by user_id) as place
          from accounts) a
 order by tenant_id, user_id;

-- The history: :k charges of 1 credit per user, in order per user (the entries chain on user_seq, after the ASSIGN).
insert into consumption_requests (tenant_id, request_id, user_id, feature, status, held, cost,
    available_after, remaining_after, created_at, finished_at)
select a.tenant_id, 'seed-' || a.user_id || '-' || n, a.user_id, 'seed', 'SETTLED', 0, 1000,
       1000000000 - n * 1000, 1000000000 - n * 1000, now(), now()
  from accounts a cross join lateral generate_series(1, :k) n;

insert into ledger_entries (tenant_id, user_id, type, credits, consumed_delta, remaining_before,
    remaining_after, held_after, actor, feature, request_id, at, user_seq, tx)
select a.tenant_id, a.user_id, 'CHARGE', 1000, 1000, 1000000000 - (n - 1) * 1000, 1000000000 - n * 1000, 0,
       'seed', 'seed', 'seed-' || a.user_id || '-' || n, now(), 1 + n, :seed_tx
  from accounts a cross join lateral generate_series(1, :k) n
 order by a.tenant_id, a.user_id, n;

commit;
analyze;
select count(*) as ledger_entries from ledger_entries;

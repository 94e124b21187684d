-- pgbench: the SQL of one service charge (AdmissionStore.CHARGE), as the service sends it: one call of
-- credits_charge (V30), the conditional UPDATE of the account, the request row and the ledger entry, on a
-- random seeded user of the largest tenant. Variables: tenant, users (set with -D). Generated:
-- PgbenchScriptTest holds it equal to the service's statement and prints the new text when it changes.
\set n random(1, :users)
select remaining, held, assigned from credits_charge(cast(:tenant as uuid), md5(cast(:tenant as text) || ':' || cast(:n as text))::uuid, 'pgb-' || gen_random_uuid(), 'pgbench', 1000, 'pgbench', now());

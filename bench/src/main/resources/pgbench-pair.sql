-- pgbench: the SQL of one service authorize+settle pair (AdmissionStore.AUTHORIZE, then RequestStore.FINISH
-- on the same request id), as the service sends it: two statements, each committing on its own, on a random
-- seeded user of the largest tenant. The database's own ceiling for pairs. Variables: tenant, users (set
-- with -D). Generated: PgbenchScriptTest holds it equal to the service's statements.
\set n random(1, :users)
\set r random(1, 9000000000000000000)
select remaining, held, assigned
  from credits_authorize(cast(:tenant as uuid), md5(cast(:tenant as text) || ':' || cast(:n as text))::uuid, 'pgp-' || :r, 'pgbench', 1000, 'pgbench', now(), now() + interval '15 minutes', now() + interval '24 hours');
select user_id, remaining, held, assigned, release from credits_finish(cast(:tenant as uuid), 'pgp-' || :r, 1000, 'pgbench', now());

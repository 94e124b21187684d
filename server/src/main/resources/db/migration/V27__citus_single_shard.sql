-- The start of this database session, for the Idempotency-Key claim's owner (V5). A function, not a subquery in
-- the claim's INSERT: Citus refuses subqueries in an INSERT into a distributed table, and evaluates a call like
-- this one (STABLE, no column arguments) on the coordinator before routing the row, so the recorded session is
-- the application's own, which the takeover later looks up in the coordinator's pg_stat_activity.
create function session_started() returns timestamptz
    language sql stable parallel safe
    as $$ select backend_start from pg_stat_activity where pid = pg_backend_pid() $$;

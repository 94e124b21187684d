-- The two-phase commits still pending on this node and, on Citus, on every worker: what the usage fold waits out
-- before it reads past its horizon (UsageFolder.foldBatch).
--
-- On Citus a transaction that wrote on more than one node, or inserted through the coordinator (a group-commit round,
-- a batch of charges, a bulk change's entries), commits in two phases: PREPARE TRANSACTION on the workers, COMMIT on
-- the coordinator, COMMIT PREPARED on the workers. Between the last two its entries are not yet visible on the
-- workers, while their tx (the coordinator's transaction id) is already below the coordinator's snapshot xmin, the
-- fold's horizon: a fold in that moment would pass over them and never come back, leaving the roll-ups short. Such a
-- transaction was prepared before the fold read its horizon, so it is in this list when read afterwards, and once the
-- names listed are gone its entries are visible. On plain PostgreSQL a prepared transaction keeps its own id in every
-- snapshot's running set, so the horizon already stops below it; the list is empty in practice, and costs one read of
-- an empty view.
--
-- Each name is prefixed with its node; a worker that does not answer is listed as 'unreachable' on its own, a name that
-- never goes away, so the fold waits rather than guesses.
create function prepared_transactions() returns setof text
    language plpgsql as $$
begin
    return query select 'local ' || gid from pg_prepared_xacts;
    if exists (select from pg_extension where extname = 'citus') then
        -- dynamic: run_command_on_workers exists only where Citus is installed
        return query execute $q$
            select w.nodename || ':' || w.nodeport || ' ' || g
              from run_command_on_workers('select coalesce(string_agg(gid, '' ''), '''') from pg_prepared_xacts') w,
                   unnest(case when w.success then string_to_array(nullif(w.result, ''), ' ')
                               else array['unreachable'] end) g
        $q$;
    end if;
end
$$;

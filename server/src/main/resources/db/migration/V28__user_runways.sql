-- Each user's runway kept by the usage folder (UsageFolder), so that the forecast's users at risk and the table
-- sorted by runway read an index range instead of computing the runway of every user of the tenant on each request
-- (on a tenant of 100,000 users that was seconds: a join of every account with every person and with 14 days of
-- roll-ups).
--
-- A row is the user's account and pace as of the folder's watermark (V18): the batch that folds a user's entries
-- rewrites the user's row in the same transaction, so a user with no entry after the watermark has a row that is
-- exact now. Readers take the row of such users and compute the others (the few with entries in the unfolded tail)
-- exactly, from their account and the row's pace plus the tail's consumption (UsageSql.runways).
create table user_runways (
    tenant_id   uuid    not null,
    user_id     uuid    not null,
    active      boolean not null,
    -- assigned - consumed - held of the account
    available   bigint  not null,
    -- consumption folded into usage_daily on the 14 days ending on usage_zones.runways_on (and any later day)
    paced       bigint  not null,
    -- runs_out_on(available, paced, runways_on), with 'infinity' for never: one sort key whose natural order is the
    -- table's (the soonest first, those who never run out last), so the index serves it
    lasts_until date    not null,
    primary key (tenant_id, user_id)
);
create index user_runways_by_day on user_runways (tenant_id, lasts_until) where active;

-- The tenant's day the rows of user_runways are for (their 14 pace days end on it), in usage_zones.time_zone. Null
-- until the folder computed them, and again after a change of zone; readers use the rows only when it is today, so a
-- new day (the pace window slides for every user) is computed exactly until the folder recomputes the tenant.
alter table usage_zones add column runways_on date;

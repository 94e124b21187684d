-- Usage over time (SPEC part two, "Usage over time and runway"): consumption rolled up per day in the tenant's time
-- zone, so that charts and runways read a few hundred rows instead of millions of entries.
--
-- The roll-ups are folded in by a background job (UsageFolder), not by the charge statement, so charging pays
-- nothing for them but one 8-byte column. What makes folding incremental and exact is knowing which entries are
-- final. An entry's id is no such mark: ids are taken from the sequence before commit, so an entry with a lower
-- id can commit after one with a higher id, and a watermark on ids would skip it for ever. The writing
-- transaction's id (xid8) is such a mark: every transaction whose id is below the oldest one still running
-- (pg_snapshot_xmin of a current snapshot) has finished, so its entries are all visible or never will be, and any
-- transaction still running or yet to start has a larger id. Folding whole transactions in tx order below that
-- bound and remembering the last one folded therefore never skips nor repeats an entry, across restarts and with
-- several folders (each batch locks the watermark row).
alter table ledger_entries add column tx bigint not null default (pg_current_xact_id()::text::bigint);
-- A block-range index: the table is append-only, so tx rises with the physical order and a BRIN index finds the
-- not-yet-folded tail by reading only the last pages, for almost nothing on each insert (a btree would cost every
-- charge an index insertion).
create index ledger_entries_by_tx on ledger_entries using brin (tx) with (pages_per_range = 32, autosummarize = on);

-- Consumption per tenant, day (in the zone of usage_zones), user and feature: what was settled or charged that day
-- (consumed_delta of SETTLE and CHARGE entries) and how many requests.
create table usage_daily (
    tenant_id uuid   not null,
    day       date   not null,
    user_id   uuid   not null,
    feature   text   not null,
    consumed  bigint not null,
    requests  bigint not null,
    primary key (tenant_id, day, user_id, feature)
);
-- A user's days (their chart, their runway) and every user's last 14 days (the table sorted by runway).
create index usage_daily_by_user on usage_daily (tenant_id, user_id, day) include (consumed);

-- The same per tenant, day and feature: the AI Credits tab's chart reads 30 rows per feature, not one per user.
create table usage_daily_features (
    tenant_id uuid   not null,
    day       date   not null,
    feature   text   not null,
    consumed  bigint not null,
    requests  bigint not null,
    primary key (tenant_id, day, feature)
);

-- The time zone a tenant's roll-ups are in. When the tenant changes its zone, the folder rebuilds its roll-ups in
-- the new one; until then, readers see the zones differ and count from the ledger instead.
create table usage_zones (
    tenant_id uuid primary key,
    time_zone text not null
);

-- The watermark: every entry of a transaction with tx at or below it is folded, none above. One row for the whole
-- service, as the folder's progress through one platform-wide ledger (tenants are folded together, a batch at a
-- time); entry_id is the largest entry id folded so far, for operators only.
create table usage_watermark (
    singleton boolean primary key default true check (singleton),
    tx        bigint  not null,
    entry_id  bigint  not null,
    folded_at timestamptz
);

-- Every entry written so far carries this migration's transaction id: fold them all here, so the folder starts
-- from an empty tail.
insert into usage_zones (tenant_id, time_zone)
select t.id, coalesce(s.time_zone, 'UTC') from tenants t left join tenant_settings s on s.tenant_id = t.id;

insert into usage_daily (tenant_id, day, user_id, feature, consumed, requests)
select e.tenant_id, (e.at at time zone z.time_zone)::date, e.user_id, coalesce(e.feature, ''), sum(e.consumed_delta), count(*)
  from ledger_entries e join usage_zones z on z.tenant_id = e.tenant_id
 where e.consumed_delta <> 0
 group by 1, 2, 3, 4;

insert into usage_daily_features (tenant_id, day, feature, consumed, requests)
select tenant_id, day, feature, sum(consumed), sum(requests) from usage_daily group by 1, 2, 3;

insert into usage_watermark (tx, entry_id, folded_at)
select pg_current_xact_id()::text::bigint, coalesce(max(id), 0), now() from ledger_entries;

-- Runway, defined once: the day a user's (or the tenant's) available credits reach zero at the pace of the last 14
-- days. Already out (available at or below zero): today. No consumption in 14 days: never (null). Otherwise the day
-- during which the available credits run out: today plus the whole days they last.
create function runs_out_on(available bigint, consumed_14_days bigint, today date) returns date
    language sql immutable as $$
    select case
             when available <= 0 then today
             when coalesce(consumed_14_days, 0) <= 0 then null
             else today + least(floor(available::numeric * 14 / consumed_14_days), 100000)::integer
           end
$$;

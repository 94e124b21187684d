package com.aicredits.ledger;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The one definition of "consumption of a tenant since a day", for every reader of usage (the charts, the runways,
 * the table sorted by runway). It is the union of three parts, of which a statement reads either the first two or
 * the third, decided inside the statement (a one-time filter), so a reader never mixes states of a rebuild:
 * <ul>
 * <li>the roll-ups, when they are in the zone the reader asks for;</li>
 * <li>the tail: the tenant's consumption entries after the folder's watermark, bucketed here, so the answer is
 * exact and current while the folder lags behind. The watermark is a scalar subquery, not a join: the planner then
 * knows it as a value and finds the tail through the BRIN index on {@code tx} (the last few page ranges), where a
 * join made it scan every entry of the tenant;</li>
 * <li>the ledger itself, when the roll-ups are in another zone (the tenant changed its zone and the folder has not
 * rebuilt them yet).</li>
 * </ul>
 * Parameters: {@code :tenant} and those of {@link #window}; the rows are {@code (day, user_id, feature, consumed)}.
 */
final class UsageSql {

    private UsageSql() {
    }

    /**
     * The parameters of a window starting on {@code since}: {@code :zone} (IANA name), {@code :since}, {@code :sinceAt}
     * (its first instant) and {@code :foldedBefore}, the watermark as read just before the statement. The statement
     * reads the watermark itself, for the exact tail; the value read before is lower or equal (the watermark only
     * rises, and a standby is only read once it has caught up), so the condition on it changes no answer, but it
     * gives the planner a value to estimate with. Without it the planner guessed a third of the ledger past the
     * watermark and started parallel workers for a tail of a few pages (half a second on a busy machine).
     */
    static Map<String, Object> window(JdbcClient jdbc, ZoneId zone, LocalDate since) {
        return window(zone, since, jdbc.sql("select tx from usage_watermark").query(Long.class).single());
    }

    private static Map<String, Object> window(ZoneId zone, LocalDate since, long foldedBefore) {
        return Map.of("zone", zone.getId(), "since", since,
                "sinceAt", Timestamp.from(since.atStartOfDay(zone).toInstant()), "foldedBefore", foldedBefore);
    }

    /**
     * {@code perUser}: read the per-user roll-ups (needed to filter or group by user); otherwise the per-feature
     * ones, a row per day and feature however many users. {@code userFilter}: an extra condition on user_id, as
     * " and %s.user_id = :user", with %s the alias, or "".
     */
    static String consumptionSince(boolean perUser, String userFilter) {
        String rolled = perUser
                ? "select r.day, r.user_id, r.feature, r.consumed from usage_daily r, zone_state z"
                        + " where z.rolled and r.tenant_id = :tenant and r.day >= :since" + userFilter.formatted("r")
                : "select r.day, null::uuid as user_id, r.feature, r.consumed from usage_daily_features r, zone_state z"
                        + " where z.rolled and r.tenant_id = :tenant and r.day >= :since";
        return """
                zone_state as (
                    select exists (select 1 from usage_zones where tenant_id = :tenant and time_zone = :zone) as rolled
                ), consumption as (
                    %s
                    union all
                    select (e.at at time zone :zone)::date, e.user_id, coalesce(e.feature, ''), e.consumed_delta
                      from ledger_entries e, zone_state z
                     where z.rolled and e.tenant_id = :tenant and e.tx > (select tx from usage_watermark)
                       and e.tx > :foldedBefore
                       and e.consumed_delta <> 0 and e.at >= :sinceAt%s
                    union all
                    select (e.at at time zone :zone)::date, e.user_id, coalesce(e.feature, ''), e.consumed_delta
                      from ledger_entries e, zone_state z
                     where not z.rolled and e.tenant_id = :tenant and e.consumed_delta <> 0 and e.at >= :sinceAt%s
                )""".formatted(rolled, userFilter.formatted("e"), userFilter.formatted("e"));
    }

    /**
     * The window of the 14 pace days ending {@code today} ({@link #window}'s parameters for {@code :since} 13 days before,
     * and {@code :today}), and whether the usage folder keeps the tenant's runways for {@code today} in {@code zone}
     * (V28__user_runways.sql), for {@link #runways}: both read in one statement, before the runways' own.
     * <p>Whether the runways are kept is not a branch decided inside the runways' statement: the planner sizes a
     * statement by every branch, even one it will skip, and a branch over every account made it hash whole tables for
     * a page of 50. Between the two statements the answer can only change at a change of zone or at midnight (the
     * folder recomputes the tenant for the new day), and a read made at that moment may show either side of it.
     */
    static PaceWindow paceWindow(JdbcClient jdbc, UUID tenant, ZoneId zone, LocalDate today) {
        return jdbc.sql("""
                select (select tx from usage_watermark),
                       exists (select 1 from usage_zones where tenant_id = ? and time_zone = ? and runways_on = ?)
                """).params(tenant, zone.getId(), today)
                .query((rs, n) -> {
                    var params = new HashMap<>(window(zone, today.minusDays(Runway.PACE_DAYS - 1L), rs.getLong(1)));
                    params.put("today", today);
                    return new PaceWindow(today, rs.getBoolean(2), Map.copyOf(params));
                }).single();
    }

    /** {@link #paceWindow}: {@code runwaysKept} for {@link #runways}, {@code params} for its statement. */
    record PaceWindow(LocalDate today, boolean runwaysKept, Map<String, Object> params) {
    }

    /**
     * Each active user's runway, as the CTE {@code runway(user_id, available, consumed, lasts_until)}: the available
     * credits, the consumption of the 14 pace days ({@code :since} is 13 days before {@code :today}) and the day they
     * run out ({@code runs_out_on}, V18) with 'infinity' for never, so that its plain order is the table's.
     * <ul>
     * <li>{@code kept} ({@link PaceWindow#runwaysKept}): the folder's rows for users without an entry after the watermark, which
     * are exact and read through the index by day (a reader that wants the soonest days, or those up to a day, reads
     * only those); and the users with entries in the unfolded tail: their account now, and the kept pace (the
     * roll-ups' as of the watermark) plus the tail's consumption;</li>
     * <li>otherwise every user from the roll-ups and the tail ({@link #consumptionSince}).</li>
     * </ul>
     * Not materialized when kept, so that a reader may look it up by user or by day more than once (a page and its
     * ties) and each use reads only what it needs. Parameters: {@code :tenant} and those of {@link #paceWindow}.
     */
    static String runways(String userFilter, boolean kept) {
        String runsOut = "coalesce(runs_out_on(a.assigned - a.consumed - a.held, %s, :today), 'infinity')";
        if (!kept) {
            return "with " + consumptionSince(true, userFilter) + """
                    , burn as (
                        select user_id, sum(consumed)::bigint as consumed from consumption group by user_id
                    ), runway as (
                        select a.user_id, a.assigned - a.consumed - a.held as available, coalesce(b.consumed, 0) as consumed,
                               %s as lasts_until
                          from accounts a left join burn b on b.user_id = a.user_id
                         where a.tenant_id = :tenant and a.active%s
                    )""".formatted(runsOut.formatted("b.consumed"), userFilter.formatted("a"));
        }
        return """
                with tail as materialized (
                    select e.user_id, coalesce(sum(e.consumed_delta) filter (where e.at >= :sinceAt), 0)::bigint as consumed
                      from ledger_entries e
                     where e.tenant_id = :tenant and e.user_id is not null
                       and e.tx > (select tx from usage_watermark) and e.tx > :foldedBefore%s
                     group by e.user_id
                ), runway as not materialized (
                    select r.user_id, r.available, r.paced as consumed, r.lasts_until
                      from user_runways r
                     where r.tenant_id = :tenant and r.active%s and r.user_id not in (select user_id from tail)
                    union all
                    select a.user_id, a.assigned - a.consumed - a.held, coalesce(r.paced, 0) + t.consumed, %s
                      from tail t
                      join accounts a on a.tenant_id = :tenant and a.user_id = t.user_id and a.active
                      left join user_runways r on r.tenant_id = :tenant and r.user_id = t.user_id
                )""".formatted(userFilter.formatted("e"), userFilter.formatted("r"),
                runsOut.formatted("coalesce(r.paced, 0) + t.consumed"));
    }

    /**
     * The tenant's consumption of the pace days, as an expression over {@link #runways}' CTEs (whichever {@code kept}
     * it was built with), so that a statement reading the runways reads the tail once for both: with kept runways, the
     * per-feature roll-ups since {@code :since} plus the tail's consumption (every consumption entry has a user);
     * otherwise the sum of the per-user burn, read from {@link #consumptionSince} over every user.
     */
    static String tenantPace(boolean kept) {
        return kept ? """
                ((select coalesce(sum(f.consumed), 0) from usage_daily_features f
                   where f.tenant_id = :tenant and f.day >= :since)
                 + (select coalesce(sum(t.consumed), 0) from tail t))::bigint"""
                : "(select coalesce(sum(b.consumed), 0) from burn b)::bigint";
    }

    /** A runway's day for display: {@code lasts_until} of {@link #runways} with never as null. */
    static final String RUNS_OUT_ON = "nullif(%s.lasts_until, 'infinity'::date)";
}

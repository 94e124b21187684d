package com.aicredits.ledger;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
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
        long folded = jdbc.sql("select tx from usage_watermark").query(Long.class).single();
        return Map.of("zone", zone.getId(), "since", since,
                "sinceAt", Timestamp.from(since.atStartOfDay(zone).toInstant()), "foldedBefore", folded);
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
     * Each user's consumption of the last 14 days (the runway's pace), as the CTE {@code burn(user_id, consumed)},
     * after {@link #consumptionSince}; {@code :since} is 13 days before today.
     */
    static String burn(String userFilter) {
        return "with " + consumptionSince(true, userFilter) + """
                , burn as (
                    select user_id, sum(consumed)::bigint as consumed from consumption group by user_id
                )""";
    }
}

package com.aicredits.ledger;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import com.aicredits.storage.StandbyReads;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The usage reads, each one statement over the roll-ups and the tail ({@link UsageSql}), tenant first. */
@Repository
class UsageStore {

    /** Only reads, and heavy ones on a large tenant: they may run on a standby (see {@link StandbyReads}). */
    private final JdbcClient jdbc;

    UsageStore(StandbyReads standby) {
        this.jdbc = standby.jdbc();
    }

    /** Consumption per day and key (the feature, the user's id, or "" when not split) of the query's range. */
    record DayRow(LocalDate day, String key, long consumed) {
    }

    List<DayRow> days(TenantId tenant, ZoneId zone, UsageQuery query) {
        boolean perUser = query.user() != null || query.groupBy() == UsageQuery.GroupBy.USER;
        String filter = query.user() == null ? "" : " and %s.user_id = :user";
        String key = switch (query.groupBy()) {
            case NONE -> "''";
            case FEATURE -> "feature";
            case USER -> "user_id::text";
        };
        var statement = jdbc.sql("with " + UsageSql.consumptionSince(perUser, filter)
                        + " select day, " + key + " as key, sum(consumed)::bigint as consumed from consumption"
                        + " where day between :since and :to group by 1, 2")
                .param("tenant", tenant.value()).params(UsageSql.window(jdbc, zone, query.from()))
                .param("to", query.to());
        if (query.user() != null) {
            statement = statement.param("user", query.user().value());
        }
        return statement.query((rs, n) -> new DayRow(rs.getObject(1, LocalDate.class), rs.getString(2), rs.getLong(3)))
                .list();
    }

    /**
     * The tenant's features ("" for consumption naming none) by the day each was first consumed, then by name: a new
     * feature comes after every older one, so a colour given by this order stays with its feature.
     */
    List<String> featureOrder(TenantId tenant, ZoneId zone) {
        return jdbc.sql("with " + UsageSql.consumptionSince(false, "")
                        + " select feature from consumption group by feature order by min(day), feature")
                .param("tenant", tenant.value()).params(UsageSql.window(jdbc, zone, LocalDate.EPOCH))
                .query(String.class).list();
    }

    /** The names of these users (the people view), for the series' labels. */
    Map<String, String> names(TenantId tenant, Collection<String> users) {
        var names = new HashMap<String, String>();
        if (users.isEmpty()) {
            return names;
        }
        jdbc.sql("select id::text, name from people where tenant_id = ? and id = any(string_to_array(?, ',')::uuid[])")
                .params(tenant.value(), String.join(",", users))
                .query(rs -> {
                    names.put(rs.getString(1), rs.getString(2));
                });
        return names;
    }

    /** The pace window's parameters, read once for the statements of one answer ({@link UsageSql#paceWindow}). */
    UsageSql.PaceWindow paceWindow(TenantId tenant, ZoneId zone, LocalDate today) {
        return UsageSql.paceWindow(jdbc, tenant.value(), zone, today);
    }

    /** The tenant's consumption of the pace days, and the day {@code available} runs out at that pace (runs_out_on, V18). */
    record TenantPace(long consumed, LocalDate runsOutOn) {
    }

    TenantPace tenantPace(TenantId tenant, UsageSql.PaceWindow window, long available) {
        return jdbc.sql("with " + UsageSql.consumptionSince(false, "") + """
                        , pace as (select coalesce(sum(consumed), 0)::bigint as consumed from consumption where day >= :since)
                        select consumed, runs_out_on(:available, consumed, :today) from pace""")
                .param("tenant", tenant.value()).params(window.params()).param("available", available)
                .query((rs, n) -> new TenantPace(rs.getLong(1), rs.getObject(2, LocalDate.class))).single();
    }

    /** A user at risk, or a user whose own forecast was asked for. */
    record UserRow(UserId userId, String name, long available, long consumed, LocalDate runsOutOn, String period) {
    }

    /**
     * Users with an active allocation who run out within {@code horizon} or before their next grant, soonest first,
     * at most {@code limit}; and, read in the same statement (one read of the tail for both), the tenant's own pace
     * and the day {@code available} runs out at it.
     */
    AtRisk atRisk(TenantId tenant, UsageSql.PaceWindow window, LocalDate horizon, LocalDate nextMonthly,
            LocalDate nextWeekly, int limit, long available) {
        var reach = Stream.of(horizon, nextMonthly, nextWeekly).max(LocalDate::compareTo).orElseThrow();
        var lines = jdbc.sql(UsageSql.runways("", window.runwaysKept()) + """
                select r.*, t.consumed as tenant_paced, runs_out_on(:available, t.consumed, :today) as tenant_runs_out
                  from (select %s as consumed) t
                  left join lateral (%s) r on true
                 order by r.sort_day, r.sort_name, r.id
                """.formatted(UsageSql.tenantPace(window.runwaysKept()), AT_RISK.formatted("""
                b.lasts_until <= :reach and (b.lasts_until <= :horizon
                    or al.period = 'MONTHLY' and b.lasts_until < :nextMonthly
                    or al.period = 'WEEKLY' and b.lasts_until < :nextWeekly)""")))
                .param("tenant", tenant.value()).params(window.params()).param("limit", limit)
                .param("available", available).param("horizon", horizon).param("nextMonthly", nextMonthly)
                .param("nextWeekly", nextWeekly).param("reach", reach)
                .query((rs, n) -> new Line(new TenantPace(rs.getLong("tenant_paced"),
                        rs.getObject("tenant_runs_out", LocalDate.class)), rs.getObject("id") == null ? null : userRow(rs)))
                .list();
        // One line at least (the tenant's), with no user when none is at risk.
        return new AtRisk(lines.getFirst().pace(), lines.stream().map(Line::user).filter(Objects::nonNull).toList());
    }

    private record Line(TenantPace pace, UserRow user) {
    }

    /** {@link #atRisk}'s answer: the tenant's pace, and its users at risk soonest first. */
    record AtRisk(TenantPace tenant, List<UserRow> users) {
    }

    /** One user's own runway row, at risk or not (a user's forecast); empty without an active allocation. */
    Optional<UserRow> runway(TenantId tenant, UsageSql.PaceWindow window, UserId user) {
        return jdbc.sql(UsageSql.runways(" and %s.user_id = :user", window.runwaysKept()) + AT_RISK.formatted("true"))
                .param("tenant", tenant.value()).params(window.params()).param("limit", 1).param("user", user.value())
                .query((rs, n) -> userRow(rs)).optional();
    }

    /**
     * The rows of {@link UsageSql#runways}' CTE {@code runway} that pass the condition given, soonest first, with
     * their names and allowance periods, and the sort keys a statement around it orders by again.
     */
    private static final String AT_RISK = """
            select u.id, u.name, b.available, b.consumed, %s as runs_out_on, al.period,
                   b.lasts_until as sort_day, lower(u.name) as sort_name
              from runway b
              join people u on u.tenant_id = :tenant and u.id = b.user_id
              left join allowances al on al.tenant_id = :tenant and al.user_id = b.user_id
             where %%s
             order by b.lasts_until, lower(u.name), u.id
             limit :limit
            """.formatted(UsageSql.RUNS_OUT_ON.formatted("b"));

    private static UserRow userRow(ResultSet rs) throws SQLException {
        return new UserRow(new UserId(rs.getObject("id", UUID.class)), rs.getString("name"), rs.getLong("available"),
                rs.getLong("consumed"), rs.getObject("runs_out_on", LocalDate.class), rs.getString("period"));
    }

    /** Each of these users' consumption of the pace days and their runway day (for a page of the table). */
    Map<UserId, UserRow> runways(TenantId tenant, UsageSql.PaceWindow window, List<UserId> users) {
        var result = new HashMap<UserId, UserRow>();
        if (users.isEmpty()) {
            return result;
        }
        jdbc.sql(UsageSql.runways(" and %s.user_id = any(string_to_array(:users, ',')::uuid[])", window.runwaysKept()) + """
                select b.user_id, b.available, b.consumed, %s, al.period
                  from runway b
                  left join allowances al on al.tenant_id = :tenant and al.user_id = b.user_id
                """.formatted(UsageSql.RUNS_OUT_ON.formatted("b")))
                .param("tenant", tenant.value()).params(window.params())
                .param("users", String.join(",", users.stream().map(u -> u.value().toString()).toList()))
                .query(rs -> {
                    var id = new UserId(rs.getObject(1, UUID.class));
                    result.put(id, new UserRow(id, null, rs.getLong(2), rs.getLong(3), rs.getObject(4, LocalDate.class),
                            rs.getString(5)));
                });
        return result;
    }
}

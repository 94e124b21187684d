package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ledger.ModelState.Account;
import com.aicredits.ledger.ModelState.AccountFigures;
import com.aicredits.ledger.ModelState.GrantFigures;
import com.aicredits.ledger.ModelState.RequestFigures;
import com.aicredits.ledger.RequestState.Status;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one place for the ledger's invariants: read back from the database after every step and compared
 * with the model's figures ({@link #afterEveryStep}), and the slower views every few steps and at the end of
 * a sequence ({@link #thoroughly}). A new invariant (such as the overdraft bound) goes here.
 */
final class ModelInvariants {

    private final ModelRun run;
    /** What each user had consumed after the previous step: consumption never goes back. */
    private final Map<UserId, Long> consumedBefore = new HashMap<>();

    ModelInvariants(ModelRun run) {
        this.run = run;
    }

    /** Stored balances against the model, and the ledger's own invariants, straight from the tables. */
    void afterEveryStep() {
        var model = run.model;
        String after = "after step #" + run.steps + ": ";
        var summary = run.ledger.summary(run.tenant).orElseThrow();
        assertThat(summary.totalPurchased()).as(after + "purchased").isEqualTo(new Credits(model.purchased));
        assertThat(summary.creditsUnassigned()).as(after + "unassigned").isEqualTo(new Credits(model.unassigned()));
        assertThat(summary.creditsUnassigned().isNegative()).as(after + "unassigned below zero").isFalse();
        assertThat(summary.totalUtilized()).as(after + "utilized").isEqualTo(new Credits(model.consumed()));
        assertThat(summary.usersWithCredits()).as(after + "users with credits")
                .isEqualTo(model.accounts.values().stream().filter(a -> a.active).count());
        // The summary counts the active users: the registered ones the directory has not deactivated.
        assertThat(summary.totalUsers()).as(after + "users").isEqualTo(run.registered.size() - model.inactive.size());
        assertThat(summary.activeUsersWithCredits()).as(after + "active users with credits").isEqualTo(model.accounts
                .entrySet().stream().filter(e -> e.getValue().active && !model.inactive.contains(e.getKey())).count());

        Map<UserId, Stored> stored = storedAccounts();
        // purchased = unassigned + Σ assigned, over every account, closed ones included
        long assignedEverywhere = stored.values().stream().mapToLong(s -> s.figures().assigned()).sum();
        assertThat(summary.creditsUnassigned().thousandths() + assignedEverywhere)
                .as(after + "unassigned + Σ assigned").isEqualTo(summary.totalPurchased().thousandths());
        assertThat(byName(stored, Stored::figures)).as(after + "accounts")
                .isEqualTo(byName(model.accounts, Account::figures));
        stored.forEach((user, s) -> {
            String name = run.names.get(user);
            long consumed = s.figures().consumed();
            assertThat(consumed).as(after + "%s: consumed never decreases", name)
                    .isGreaterThanOrEqualTo(consumedBefore.getOrDefault(user, 0L));
            consumedBefore.put(user, consumed);
            assertThat(s.settledCosts()).as(after + "%s: Σ settled costs = consumed", name).isEqualTo(consumed);
            assertThat(model.settledCosts(user)).as(after + "%s: the model's Σ settled costs = consumed", name)
                    .isEqualTo(consumed);
            assertThat(s.chargedTwice()).as(after + "%s: requests charged twice", name).isZero();
            // The overdraft bound (SPEC, "The overdraft bound, made exact"): remaining ≥ −(limit × largest cost).
            long remaining = s.figures().assigned() - consumed;
            assertThat(remaining).as(after + "%s: remaining ≥ −(in-flight limit × largest single cost)", name)
                    .isGreaterThanOrEqualTo(-LedgerModel.MAX_OPEN_HOLDS * model.largestCost(user));
            assertThat(s.figures().openHolds()).as(after + "%s: requests in flight", name)
                    .isLessThanOrEqualTo(LedgerModel.MAX_OPEN_HOLDS);
            assertThat(s.overRemovals()).as(after + "%s: removals above the removable amount", name).isZero();
        });

        // Allowances and their grants: exactly one grant per user and period (the key), with the model's figures.
        assertThat(run.jdbc.sql("select user_id, credits, period, mode from allowances where tenant_id = ?")
                .param(run.tenant.value())
                .query((rs, n) -> Map.entry(run.names.get(new UserId(rs.getObject(1, UUID.class))), new AllowanceTerms(
                        new Credits(rs.getLong(2)), Period.valueOf(rs.getString(3)), AllowanceMode.valueOf(rs.getString(4)))))
                .list().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                .as(after + "allowances")
                .isEqualTo(model.allowances.entrySet().stream()
                        .collect(Collectors.toMap(e -> run.names.get(e.getKey()), Map.Entry::getValue)));
        assertThat(run.jdbc.sql("""
                select user_id, period, period_start, due, granted, shortfall, returned from allowance_grants
                 where tenant_id = ?
                """).param(run.tenant.value())
                .query((rs, n) -> Map.entry(run.names.get(new UserId(rs.getObject(1, UUID.class))) + " "
                        + rs.getString(2) + " " + rs.getObject(3, LocalDate.class),
                        new GrantFigures(rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7))))
                .list().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                .as(after + "allowance grants")
                .isEqualTo(model.grants.entrySet().stream().collect(Collectors.toMap(
                        e -> run.names.get(e.getKey().user()) + " " + e.getKey().period() + " " + e.getKey().start(),
                        e -> e.getValue().figures())));

        assertThat(storedRequests()).as(after + "requests").isEqualTo(model.requests.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().figures())));
    }

    /** The slower checks: the admin's table, every user's balance as the user sees it, the reconciliation. */
    void thoroughly() {
        var model = run.model;
        String after = "after step #" + run.steps + ": ";
        // Active allocations only, remaining = assigned - consumed, the usage percent.
        var table = run.ledger.rows(run.tenant, RowQuery.firstPage());
        assertThat(table.items()).as(after + "the AI Credits table").isEqualTo(model.table());
        assertThat(table.total()).as(after + "rows in the AI Credits table").isEqualTo(model.table().size());
        for (UserId user : run.registered) {
            var balance = run.ledger.balance(run.tenant, user).orElseThrow();
            assertThat(balance).as(after + "balance of %s", run.names.get(user)).isEqualTo(model.balance(user));
            assertThat(balance.remaining()).as(after + "remaining of %s", run.names.get(user))
                    .isEqualTo(balance.assigned().minus(balance.consumed()));
        }
        assertThat(run.ledger.balance(run.tenant, run.user("stranger"))).as(after + "balance of a stranger")
                .isEmpty();
        assertThat(run.ledger.reconcile(run.tenant).drifts()).as(after + "reconciliation drifts").isEmpty();
        usageEqualsTheLedger(after);
    }

    /** How many times {@link #thoroughly} ran: the roll-ups are folded every other time, so both paths are read. */
    private int thoroughRuns;

    /**
     * The usage figures (SPEC part two) equal a recomputation from the ledger: per user and day in the tenant's zone,
     * whether the consumption is still in the tail or folded into the roll-ups; and the roll-ups reconcile (above).
     */
    private void usageEqualsTheLedger(String after) {
        if (thoroughRuns++ % 2 == 1) {
            run.ledger.overTime().fold();
            assertThat(run.ledger.reconcile(run.tenant).drifts()).as(after + "drifts after folding the usage").isEmpty();
        }
        String zone = run.jdbc.sql("select coalesce((select time_zone from tenant_settings where tenant_id = ?), 'UTC')")
                .param(run.tenant.value()).query(String.class).single();
        Map<String, Long> recomputed = new HashMap<>();
        run.jdbc.sql("""
                select (at at time zone ?)::date, user_id, sum(consumed_delta) from ledger_entries
                 where tenant_id = ? and consumed_delta <> 0 group by 1, 2 having sum(consumed_delta) <> 0
                """).params(zone, run.tenant.value())
                .query(rs -> {
                    recomputed.put(rs.getObject(1, LocalDate.class) + " " + rs.getString(2), rs.getLong(3));
                });
        var today = run.ledger.overTime().today(run.tenant);
        var usage = run.ledger.overTime().usage(run.tenant, new UsageQuery(today.minusDays(UsageQuery.RANGE_DAYS_MAX - 1), today,
                UsageQuery.Interval.DAY, UsageQuery.GroupBy.USER, null, UsageQuery.LIMIT_MAX));
        Map<String, Long> read = new HashMap<>();
        usage.series().forEach(series -> series.points().stream().filter(p -> !p.consumed().equals(Credits.ZERO))
                .forEach(p -> read.put(p.date() + " " + series.key(), p.consumed().thousandths())));
        assertThat(read).as(after + "usage per user and day against the ledger").isEqualTo(recomputed);
        assertThat(usage.total().thousandths()).as(after + "usage total against the model's consumption")
                .isEqualTo(run.model.consumed());
        runwaysEqualTheLedger(after, zone, today);
    }

    /**
     * The runways (kept by the folder and read with the tail, or all computed when the kept ones are not for today)
     * equal runs_out_on of each active account and its consumption of the 14 pace days recomputed from the ledger;
     * the table sorted by runway lists them in that order, and the forecast gives each at-risk user that day.
     */
    private void runwaysEqualTheLedger(String after, String zone, LocalDate today) {
        Map<UserId, LocalDate> recomputed = new HashMap<>();
        run.jdbc.sql("""
                select a.user_id, runs_out_on(a.assigned - a.consumed - a.held,
                       (select sum(e.consumed_delta) from ledger_entries e
                         where e.tenant_id = a.tenant_id and e.user_id = a.user_id and (e.at at time zone ?)::date >= ?)::bigint, ?)
                  from accounts a where a.tenant_id = ? and a.active
                """).params(zone, today.minusDays(Runway.PACE_DAYS - 1L), today, run.tenant.value())
                .query(rs -> {
                    recomputed.put(new UserId(rs.getObject(1, UUID.class)), rs.getObject(2, LocalDate.class));
                });
        var read = run.ledger.overTime().runways(run.tenant, List.copyOf(recomputed.keySet()));
        assertThat(read.keySet()).as(after + "runways of the active users").isEqualTo(recomputed.keySet());
        read.forEach((user, runway) -> assertThat(runway.runsOutOn()).as(after + "runway of " + run.names.get(user))
                .isEqualTo(recomputed.get(user)));
        var bySoonest = run.ledger.rows(run.tenant, new RowQuery(null, null, null, RowQuery.SortBy.RUNS_OUT_ON, false, 0,
                RowQuery.MAX_PAGE_SIZE)).items().stream().map(row -> recomputed.get(row.userId())).toList();
        assertThat(bySoonest).as(after + "the table sorted by runway")
                .isEqualTo(recomputed.values().stream().sorted(Comparator.nullsLast(Comparator.naturalOrder())).toList());
        var forecast = run.ledger.overTime().forecast(run.tenant, RowQuery.MAX_PAGE_SIZE);
        forecast.users().forEach(at -> assertThat(at.runway().runsOutOn()).as(after + "forecast of " + at.name())
                .isEqualTo(recomputed.get(at.userId())));
        // The tenant's own runway, read in the at-risk users' statement: its pace and day recomputed from the ledger.
        long available = run.model.purchased - run.model.consumed();
        var tenant = run.jdbc.sql("""
                with pace as (select coalesce(sum(consumed_delta), 0)::bigint as consumed from ledger_entries
                               where tenant_id = ? and (at at time zone ?)::date >= ?)
                select consumed, runs_out_on(?, consumed, ?) from pace
                """).params(run.tenant.value(), zone, today.minusDays(Runway.PACE_DAYS - 1L), available, today)
                .query((rs, n) -> new Runway(Runway.dailyBurn(rs.getLong(1)), rs.getObject(2, LocalDate.class), false))
                .single();
        assertThat(forecast.tenant()).as(after + "the tenant's runway in the forecast").isEqualTo(tenant);
        assertThat(forecast.tenantAvailable()).as(after + "the tenant's available in the forecast")
                .isEqualTo(new Credits(available));
    }

    private record Stored(AccountFigures figures, long settledCosts, long chargedTwice, long overRemovals) {
    }

    /**
     * Besides the balances, straight from the entries and requests: what was charged per request, and every
     * removal against what was removable when it was made (remaining_before - held).
     */
    private Map<UserId, Stored> storedAccounts() {
        return run.jdbc.sql("""
                select a.user_id, a.assigned, a.consumed, a.held, a.open_holds, a.active,
                       (select coalesce(sum(r.cost), 0) from consumption_requests r
                         where r.tenant_id = a.tenant_id and r.user_id = a.user_id
                           and r.status = 'SETTLED') as settled,
                       (select count(*) from (select e.request_id from ledger_entries e
                         where e.tenant_id = a.tenant_id and e.user_id = a.user_id
                           and e.type in ('SETTLE', 'CHARGE')
                         group by e.request_id having count(*) > 1) twice) as charged_twice,
                       (select count(*) from ledger_entries e
                         where e.tenant_id = a.tenant_id and e.user_id = a.user_id and e.type = 'REMOVE'
                           and e.credits > greatest(0, e.remaining_before - e.held_after)) as over_removals
                  from accounts a where a.tenant_id = ?
                """)
                .param(run.tenant.value())
                .query((rs, n) -> Map.entry(new UserId(rs.getObject("user_id", UUID.class)), new Stored(
                        new AccountFigures(rs.getLong("assigned"), rs.getLong("consumed"), rs.getLong("held"),
                                rs.getInt("open_holds"), rs.getBoolean("active")),
                        rs.getLong("settled"), rs.getLong("charged_twice"), rs.getLong("over_removals"))))
                .list().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private Map<String, RequestFigures> storedRequests() {
        return run.jdbc.sql(
                "select request_id, user_id, status, held, cost, in_flight from consumption_requests where tenant_id = ?")
                .param(run.tenant.value())
                .query((rs, n) -> Map.entry(rs.getString("request_id"), new RequestFigures(
                        new UserId(rs.getObject("user_id", UUID.class)), Status.valueOf(rs.getString("status")),
                        rs.getLong("held"), rs.getObject("cost", Long.class), rs.getBoolean("in_flight"))))
                .list().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private <T> Map<String, AccountFigures> byName(Map<UserId, T> accounts, Function<T, AccountFigures> figures) {
        return accounts.entrySet().stream()
                .collect(Collectors.toMap(e -> run.names.get(e.getKey()), e -> figures.apply(e.getValue())));
    }
}

package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ledger.ModelState.Account;
import com.aicredits.ledger.ModelState.AccountFigures;
import com.aicredits.ledger.ModelState.RequestFigures;
import com.aicredits.ledger.RequestState.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import java.util.HashMap;
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
        assertThat(summary.totalUsers()).as(after + "users").isEqualTo(run.registered.size());

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

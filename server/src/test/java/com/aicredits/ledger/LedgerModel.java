package com.aicredits.ledger;

import com.aicredits.directory.User;
import com.aicredits.ledger.ModelState.Account;
import com.aicredits.ledger.ModelState.AccountFigures;
import com.aicredits.ledger.ModelState.Grant;
import com.aicredits.ledger.ModelState.GrantKey;
import com.aicredits.ledger.ModelState.KeyUse;
import com.aicredits.ledger.ModelState.Request;
import com.aicredits.ledger.RequestState.Status;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of SPEC.md (Lifecycle, Amounts, Consumption) over plain numbers (thousandths of a credit),
 * sharing nothing with the ledger but its value types. Each operation returns what the ledger must answer
 * and applies its effect; {@link ModelInvariants} compares the stored figures with the ones kept here.
 *
 * <p>This class keeps the state, the limits and the reads (what the ledger should show). The operations are
 * static rules over this state, by capability, like {@link ModelBulk}: {@link ModelAllocations} (the pool, the
 * allocations and the directory's deactivation), {@link ModelAllowances} (allowances and their periods) and
 * {@link ModelConsumption} (holds, charges, settles, voids and the expiry sweep).
 */
final class LedgerModel {

    static final long MAX_ENTERED = 1_000_000_000_000L;
    static final long MAX_POOL = 1_000_000_000_000_000L;
    static final Duration HOLD_TTL = Duration.ofMinutes(15);
    static final Duration SETTLE_DEADLINE = Duration.ofHours(24);
    static final int MAX_OPEN_HOLDS = 4;

    long purchased;
    long assigned;
    final Map<UserId, User> users = new LinkedHashMap<>();
    final Map<UserId, Account> accounts = new LinkedHashMap<>();
    final Map<String, KeyUse> keys = new HashMap<>();
    final Map<String, Request> requests = new LinkedHashMap<>();
    /** Users the directory has deactivated: they start nothing and are given nothing. */
    final java.util.Set<UserId> inactive = new java.util.HashSet<>();
    final Map<UserId, AllowanceTerms> allowances = new LinkedHashMap<>();
    final Map<GrantKey, Grant> grants = new LinkedHashMap<>();

    void register(User user) {
        users.put(user.id(), user);
    }

    long unassigned() {
        return purchased - assigned;
    }

    long removable(UserId user) {
        var account = accounts.get(user);
        return account == null ? 0 : account.removable();
    }

    long available(UserId user) {
        var account = accounts.get(user);
        return account == null ? 0 : account.available();
    }

    long held(String request) {
        var r = requests.get(request);
        return r == null ? 0 : r.held;
    }

    Optional<UserId> userOf(String request) {
        return Optional.ofNullable(requests.get(request)).map(r -> r.user);
    }

    List<String> requestIds() {
        return List.copyOf(requests.keySet());
    }

    List<String> requestIds(Status status) {
        return requests.entrySet().stream().filter(e -> e.getValue().status == status)
                .map(Map.Entry::getKey).toList();
    }

    // ---------------------------------------------------------------- what the ledger should show

    AccountRow row(UserId user) {
        var u = users.get(user);
        var a = accounts.get(user);
        long assigned = a.assigned - a.assignedBeforeOpening;
        long consumed = a.consumed - a.assignedBeforeOpening;
        BigDecimal usedPercent = assigned == 0 ? BigDecimal.ZERO
                : BigDecimal.valueOf(consumed).multiply(BigDecimal.valueOf(100))
                        .divide(BigDecimal.valueOf(assigned), 1, RoundingMode.HALF_UP).stripTrailingZeros();
        return new AccountRow(user, u.name(), u.email(), u.role(), new Credits(assigned),
                new Credits(consumed), new Credits(a.remaining()), new Credits(a.held), new Credits(a.removable()),
                usedPercent, a.active, !inactive.contains(user), Optional.ofNullable(allowances.get(user)));
    }

    Balance balance(UserId user) {
        var a = accounts.get(user);
        if (a == null) {
            return new Balance(Credits.ZERO, Credits.ZERO, Credits.ZERO, Credits.ZERO, Credits.ZERO, false, false);
        }
        // Like the table, the current allocation: what was assigned and consumed since it was last opened.
        return new Balance(new Credits(a.assigned - a.assignedBeforeOpening),
                new Credits(a.consumed - a.assignedBeforeOpening), new Credits(a.remaining()),
                new Credits(a.held), new Credits(a.available()), a.active,
                ModelConsumption.whyNotAdmitted(this, user).isEmpty());
    }

    Map<UserId, AccountFigures> accountFigures() {
        var figures = new HashMap<UserId, AccountFigures>();
        accounts.forEach((user, account) -> figures.put(user, account.figures()));
        return figures;
    }

    Map<String, Status> statuses() {
        var statuses = new HashMap<String, Status>();
        requests.forEach((id, request) -> statuses.put(id, request.status));
        return statuses;
    }

    /** The AI Credits table's first page: active allocations, by name (the names differ). */
    List<AccountRow> table() {
        return accounts.entrySet().stream().filter(e -> e.getValue().active)
                .map(e -> row(e.getKey()))
                .sorted(Comparator.comparing(row -> row.name().toLowerCase()))
                .toList();
    }

    long consumed() {
        return accounts.values().stream().mapToLong(a -> a.consumed).sum();
    }

    long settledCosts(UserId user) {
        return requests.values().stream().filter(r -> r.user.equals(user) && r.status == Status.SETTLED)
                .mapToLong(r -> r.cost).sum();
    }

    /** The largest cost ever recorded for the user (settled or charged): the overdraft bound's unit. */
    long largestCost(UserId user) {
        return requests.values().stream().filter(r -> r.user.equals(user) && r.cost != null)
                .mapToLong(r -> r.cost).max().orElse(0);
    }

    static boolean enterable(Credits credits) {
        return credits.thousandths() > 0 && credits.thousandths() <= MAX_ENTERED;
    }

    static boolean isCost(Credits cost) {
        return cost.thousandths() >= 0 && cost.thousandths() <= MAX_ENTERED;
    }
}

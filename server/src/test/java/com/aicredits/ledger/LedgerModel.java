package com.aicredits.ledger;

import com.aicredits.directory.User;
import com.aicredits.ledger.ModelState.Account;
import com.aicredits.ledger.ModelState.AccountFigures;
import com.aicredits.ledger.ModelState.KeyUse;
import com.aicredits.ledger.ModelState.Rejection;
import com.aicredits.ledger.ModelState.Request;
import com.aicredits.ledger.ModelState.Swept;
import com.aicredits.ledger.RequestState.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.UserId;
import java.math.BigDecimal;
import java.math.RoundingMode;
import com.aicredits.ledger.ModelState.AllowanceOutcome;
import com.aicredits.ledger.ModelState.Grant;
import com.aicredits.ledger.ModelState.GrantKey;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules of SPEC.md (Lifecycle, Amounts, Consumption) over plain numbers (thousandths of a credit),
 * sharing nothing with the ledger but its value types. Each operation returns what the ledger must answer
 * and applies its effect; {@link ModelInvariants} compares the stored figures with the ones kept here.
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

    // ---------------------------------------------------------------- admin

    Object purchase(Credits credits, String reference, String note, String key, Instant now) {
        if (!enterable(credits)) {
            return new Rejection(Refusal.INVALID_AMOUNT);
        }
        if (reference == null || reference.isBlank()) {
            return new Rejection(Refusal.VALIDATION_FAILED);
        }
        String ref = reference.strip();
        String stored = blankToNull(note);
        if (key != null && keys.containsKey(key)) {
            var first = keys.get(key);
            return first.kind == EntryType.PURCHASE && first.credits == credits.thousandths()
                    && ref.equals(first.reference) && Objects.equals(first.note, stored)
                    ? new Purchased(first.purchase, true)
                    : new Rejection(Refusal.IDEMPOTENCY_KEY_REUSED);
        }
        if (purchased + credits.thousandths() > MAX_POOL) {
            return new Rejection(Refusal.INVALID_AMOUNT);
        }
        purchased += credits.thousandths();
        // The entry id is the database's to choose: the run tells the model the first answer.
        var purchase = new Purchase(null, credits, ref, stored, ModelRun.ADMIN.name(), now);
        if (key != null) {
            keys.put(key, new KeyUse(EntryType.PURCHASE, null, credits.thousandths(), stored, ref, purchase));
        }
        return new Purchased(purchase, false);
    }

    /** What the ledger answered to a new purchase: a retry with the same key must repeat it. */
    void answered(String key, Purchase first) {
        if (key != null) {
            keys.get(key).purchase = first;
        }
    }

    /** What the ledger answered to a new authorization: a retry with the same request id must repeat it. */
    void answered(Authorized first) {
        requests.get(first.requestId().value()).answer = first;
    }

    Object allocate(EntryType kind, UserId user, Credits credits, String note, String key) {
        if (kind != EntryType.END && !enterable(credits)) {
            return new Rejection(Refusal.INVALID_AMOUNT);
        }
        String stored = blankToNull(note);
        long c = credits.thousandths();
        if (key != null && keys.containsKey(key)) {
            var first = keys.get(key);
            // A retry answers with the user's row as the first call left it, and changes nothing.
            return first.kind == kind && user.equals(first.user) && first.credits == c
                    && Objects.equals(first.note, stored)
                    ? new Allocated(standingNow(first.answer), true)
                    : new Rejection(Refusal.IDEMPOTENCY_KEY_REUSED);
        }
        if (!users.containsKey(user)) {
            return new Rejection(Refusal.NOT_FOUND);
        }
        if (inactive.contains(user) && (kind == EntryType.ASSIGN || kind == EntryType.ADD)) {
            return new Rejection(Refusal.USER_INACTIVE);
        }
        var account = accounts.get(user);
        boolean allocated = account != null && account.active;
        switch (kind) {
            case ASSIGN -> {
                if (allocated) {
                    return new Rejection(Refusal.ALREADY_ASSIGNED);
                }
                if (c > unassigned()) {
                    return new Rejection(Refusal.INSUFFICIENT_UNASSIGNED, new Credits(unassigned()));
                }
                if (account == null) {
                    account = new Account();
                    accounts.put(user, account);
                }
                // Reopening a closed account keeps what it consumed; assigned accumulates, and the table shows
                // the new allocation only.
                account.assignedBeforeOpening = account.assigned;
                account.assigned += c;
                account.active = true;
                assigned += c;
            }
            case ADD -> {
                if (!allocated) {
                    return new Rejection(Refusal.NO_ALLOCATION);
                }
                if (c > unassigned()) {
                    return new Rejection(Refusal.INSUFFICIENT_UNASSIGNED, new Credits(unassigned()));
                }
                account.assigned += c;
                assigned += c;
            }
            case REMOVE -> {
                if (!allocated) {
                    return new Rejection(Refusal.NO_ALLOCATION);
                }
                if (c > account.removable()) {
                    return new Rejection(Refusal.EXCEEDS_REMOVABLE, new Credits(account.removable()));
                }
                account.assigned -= c;
                assigned -= c;
                account.active = account.remaining() != 0;
            }
            case END -> {
                if (!allocated) {
                    return new Rejection(Refusal.NO_ALLOCATION);
                }
                if (account.removable() > 0) {
                    return new Rejection(Refusal.EXCEEDS_REMOVABLE, new Credits(account.removable()));
                }
                if (account.held > 0) {
                    return new Rejection(Refusal.CREDITS_HELD);
                }
                account.active = false;
            }
            default -> throw new IllegalArgumentException(kind.name());
        }
        var answer = row(user);
        if (key != null) {
            var use = new KeyUse(kind, user, c, stored, null, null);
            use.answer = answer;
            keys.put(key, use);
        }
        return new Allocated(answer, false);
    }

    // ---------------------------------------------------------------- the directory

    /**
     * A replayed allocation repeats the figures the first call left; whether the person is active is the
     * directory's, as it is now (the row is read through the people view), not as it was then.
     */
    private AccountRow standingNow(AccountRow first) {
        return new AccountRow(first.userId(), first.name(), first.email(), first.role(), first.assigned(),
                first.consumed(), first.remaining(), first.held(), first.removable(), first.usedPercent(),
                first.active(), !inactive.contains(first.userId()), Optional.ofNullable(allowances.get(first.userId())));
    }

    /**
     * The directory deactivates a user: their removable credits, max(0, remaining - held), go back to the pool
     * (a REMOVE by actor directory, closing the allocation if remaining reaches zero); held credits stay until
     * their requests finish. Deactivating an inactive or unknown user does nothing. Returns what went back.
     */
    Credits deactivate(UserId user) {
        if (!users.containsKey(user) || !inactive.add(user)) {
            return Credits.ZERO;
        }
        var account = accounts.get(user);
        long removable = account == null || !account.active ? 0 : account.removable();
        if (removable <= 0) {
            return Credits.ZERO;
        }
        account.assigned -= removable;
        assigned -= removable;
        account.active = account.remaining() != 0;
        return new Credits(removable);
    }

    /** Reactivation gives nothing back: the user starts again with what their allocation still holds. */
    void reactivate(UserId user) {
        inactive.remove(user);
    }

    // ---------------------------------------------------------------- allowances (the tenant's time zone is UTC)

    /** The first day of the period running at {@code now}: the 1st, or Monday, in UTC. */
    static LocalDate periodStart(Period period, Instant now) {
        var day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return period == Period.MONTHLY ? day.withDayOfMonth(1) : day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    /** When the period after the current one starts. */
    static Instant nextPeriodStart(Period period, Instant now) {
        var start = periodStart(period, now);
        return (period == Period.MONTHLY ? start.plusMonths(1) : start.plusWeeks(1)).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    Object setAllowance(UserId user, AllowanceTerms terms, Instant now) {
        if (!enterable(terms.credits())) {
            return new Rejection(Refusal.INVALID_AMOUNT);
        }
        if (!users.containsKey(user)) {
            return new Rejection(Refusal.NOT_FOUND);
        }
        if (inactive.contains(user)) {
            return new Rejection(Refusal.USER_INACTIVE);
        }
        allowances.put(user, terms);
        grant(user, terms, now);
        return new AllowanceOutcome(terms, lastGrant(user, terms.period()));
    }

    boolean removeAllowance(UserId user) {
        return allowances.remove(user) != null;
    }

    /**
     * The period job: every active user's allowance without a grant for the running period, in user id order (as
     * PostgreSQL sorts uuids). A deactivated user's allowance stands but grants nothing while they are inactive.
     */
    GrantTotals grantDue(Instant now) {
        GrantTotals total = GrantTotals.NONE;
        var order = allowances.keySet().stream().filter(user -> !inactive.contains(user))
                .sorted(Comparator.comparing(UserId::toString)).toList();
        for (var user : order) {
            total = total.plus(grant(user, allowances.get(user), now));
        }
        return total;
    }

    /** The missing grants, then the short ones of the running periods completed, oldest first. */
    GrantTotals grantCurrentPeriod(Instant now) {
        var due = grantDue(now);
        long completed = 0;
        int users = 0;
        var shortOnes = currentGrants(now).entrySet().stream()
                .filter(e -> e.getValue().due > e.getValue().granted && !inactive.contains(e.getKey().user()))
                .sorted(Comparator.comparing((Map.Entry<GrantKey, Grant> e) -> e.getValue().at)
                        .thenComparing(e -> e.getKey().user().toString()))
                .toList();
        for (var entry : shortOnes) {
            var grant = entry.getValue();
            long credits = Math.min(grant.due - grant.granted, unassigned());
            if (credits <= 0) {
                continue;
            }
            give(entry.getKey().user(), credits);
            grant.granted += credits;
            completed += credits;
            users++;
        }
        long shortfall = currentGrants(now).values().stream().mapToLong(g -> g.due - g.granted).sum();
        return new GrantTotals(due.granted().plus(new Credits(completed)), new Credits(shortfall), due.users() + users);
    }

    /** The running periods' grants of allowances that still stand with that period. */
    private Map<GrantKey, Grant> currentGrants(Instant now) {
        var current = new LinkedHashMap<GrantKey, Grant>();
        grants.forEach((key, grant) -> {
            var terms = allowances.get(key.user());
            if (terms != null && terms.period() == key.period() && key.start().equals(periodStart(key.period(), now))) {
                current.put(key, grant);
            }
        });
        return current;
    }

    private GrantTotals grant(UserId user, AllowanceTerms terms, Instant now) {
        var key = new GrantKey(user, terms.period(), periodStart(terms.period(), now));
        if (grants.containsKey(key)) {
            return GrantTotals.NONE;
        }
        var grant = new Grant(now.truncatedTo(ChronoUnit.MICROS));
        grants.put(key, grant);
        var account = accounts.get(user);
        if (terms.mode() == AllowanceMode.RESET && account != null && account.active && account.removable() > 0) {
            grant.returned = account.removable();
            account.assigned -= grant.returned;
            assigned -= grant.returned;
            account.active = account.remaining() != 0;
        }
        long remaining = account == null ? 0 : account.remaining();
        grant.due = terms.mode() == AllowanceMode.RESET ? terms.credits().thousandths()
                : Math.max(0, terms.credits().thousandths() - remaining);
        grant.granted = Math.min(grant.due, unassigned());
        if (grant.granted > 0) {
            give(user, grant.granted);
        }
        return new GrantTotals(new Credits(grant.granted), new Credits(grant.due - grant.granted), 1);
    }

    /** From the pool to the user, opening (or reopening) the allocation like an assign. */
    private void give(UserId user, long credits) {
        var account = accounts.computeIfAbsent(user, u -> new Account());
        if (!account.active) {
            account.assignedBeforeOpening = account.assigned;
            account.active = true;
        }
        account.assigned += credits;
        assigned += credits;
    }

    /** The latest grant of the user's allowance period (by period start): what the allowance shows as lastGrant. */
    ModelState.GrantFigures lastGrant(UserId user, Period period) {
        return grants.entrySet().stream()
                .filter(e -> e.getKey().user().equals(user) && e.getKey().period() == period)
                .max(Comparator.comparing(e -> e.getKey().start()))
                .map(e -> e.getValue().figures()).orElse(null);
    }

    // ---------------------------------------------------------------- consumption

    Object authorize(RequestId id, UserId user, String feature, Credits estimate, Instant now) {
        if (estimate != null && !enterable(estimate)) {
            return new Rejection(Refusal.INVALID_AMOUNT);
        }
        var earlier = requests.get(id.value());
        if (earlier != null) {
            // The first answer, even if the user could not start a request any more.
            return !earlier.charge && earlier.user.equals(user) && earlier.feature.equals(feature)
                    ? replayed(earlier.answer)
                    : new Rejection(Refusal.REQUEST_ID_REUSED);
        }
        var refusal = whyNotAdmitted(user);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        long hold = estimate != null ? estimate.thousandths() : ModelChoices.CANVAS.equals(feature) ? 5_000 : 1_000;
        var account = accounts.get(user);
        account.held += hold;
        account.openHolds++;
        var authorized = new Authorized(id, new Credits(hold), new Credits(account.available()), now.plus(HOLD_TTL),
                false);
        requests.put(id.value(), new Request(user, feature, false, hold, authorized, Status.AUTHORIZED));
        return authorized;
    }

    Object charge(RequestId id, UserId user, String feature, Credits cost) {
        if (!isCost(cost)) {
            return new Rejection(Refusal.INVALID_AMOUNT);
        }
        var earlier = requests.get(id.value());
        if (earlier != null) {
            return earlier.charge && earlier.user.equals(user) && earlier.feature.equals(feature)
                    ? new Settled(id, new Credits(earlier.cost), new Credits(earlier.remainingAfter), true)
                    : new Rejection(Refusal.REQUEST_ID_REUSED);
        }
        var refusal = whyNotAdmitted(user);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        var account = accounts.get(user);
        account.consumed += cost.thousandths();
        var request = new Request(user, feature, true, 0, null, Status.SETTLED);
        request.cost = cost.thousandths();
        request.remainingAfter = account.remaining();
        requests.put(id.value(), request);
        return new Settled(id, cost, new Credits(account.remaining()), false);
    }

    Object settle(RequestId id, Credits cost, Instant now) {
        if (!isCost(cost)) {
            return new Rejection(Refusal.INVALID_AMOUNT);
        }
        var request = requests.get(id.value());
        if (request == null) {
            return new Rejection(Refusal.NOT_FOUND);
        }
        var account = accounts.get(request.user);
        switch (request.status) {
            case SETTLED -> {
                return new Settled(id, new Credits(request.cost), new Credits(request.remainingAfter), true);
            }
            case VOIDED -> {
                return new Rejection(Refusal.ALREADY_VOIDED);
            }
            case AUTHORIZED, EXPIRED -> {
                if (pastDeadline(request, now)) {
                    return new Rejection(Refusal.REQUEST_EXPIRED);
                }
                // An expiry already gave the hold back; the slot is given back now, with the cost recorded once.
                account.held -= request.status == Status.AUTHORIZED ? request.held : 0;
                account.openHolds--;
                request.inFlight = false;
            }
        }
        // Never refused for lack of credits: the work is done, remaining may go below zero.
        account.consumed += cost.thousandths();
        account.active = account.active || account.remaining() != 0;
        request.status = Status.SETTLED;
        request.cost = cost.thousandths();
        request.remainingAfter = account.remaining();
        return new Settled(id, cost, new Credits(account.remaining()), false);
    }

    Object voidRequest(RequestId id, Instant now) {
        var request = requests.get(id.value());
        if (request == null) {
            return new Rejection(Refusal.NOT_FOUND);
        }
        switch (request.status) {
            case SETTLED -> {
                return new Rejection(Refusal.ALREADY_SETTLED);
            }
            case VOIDED -> {
                return new Voided(id, true);
            }
            case AUTHORIZED, EXPIRED -> {
                if (pastDeadline(request, now)) {
                    return new Rejection(Refusal.REQUEST_EXPIRED);
                }
                var account = accounts.get(request.user);
                account.held -= request.status == Status.AUTHORIZED ? request.held : 0;
                account.openHolds--;
                request.inFlight = false;
            }
        }
        request.status = Status.VOIDED;
        return new Voided(id, false);
    }

    Swept expire(Instant now) {
        int released = 0;
        for (var request : requests.values()) {
            if (request.status == Status.AUTHORIZED && !request.expiresAt.isAfter(now)) {
                // The credits go back at once; the slot stays taken until settle, void or the deadline.
                accounts.get(request.user).held -= request.held;
                request.status = Status.EXPIRED;
                released++;
            }
        }
        for (var request : requests.values()) {
            if (request.status == Status.EXPIRED && request.inFlight && !request.settleBy.isAfter(now)) {
                accounts.get(request.user).openHolds--;
                request.inFlight = false;
            }
        }
        return new Swept(released);
    }

    /** Past its settle deadline (or already swept past it), an open request can no longer be settled or voided. */
    private static boolean pastDeadline(Request request, Instant now) {
        return !request.inFlight || !request.settleBy.isAfter(now);
    }

    /** The largest cost ever recorded for the user (settled or charged): the overdraft bound's unit. */
    long largestCost(UserId user) {
        return requests.values().stream().filter(r -> r.user.equals(user) && r.cost != null)
                .mapToLong(r -> r.cost).max().orElse(0);
    }

    private Optional<Rejection> whyNotAdmitted(UserId user) {
        if (!users.containsKey(user)) {
            return Optional.of(new Rejection(Refusal.NOT_FOUND));
        }
        if (inactive.contains(user)) {
            return Optional.of(new Rejection(Refusal.USER_INACTIVE));
        }
        var account = accounts.get(user);
        if (account == null || !account.active) {
            return Optional.of(new Rejection(Refusal.NO_ALLOCATION));
        }
        if (account.available() <= 0) {
            return Optional.of(new Rejection(Refusal.CREDITS_EXHAUSTED, new Credits(account.available())));
        }
        if (account.openHolds >= MAX_OPEN_HOLDS) {
            return Optional.of(new Rejection(Refusal.TOO_MANY_IN_FLIGHT));
        }
        return Optional.empty();
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
                new Credits(a.held), new Credits(a.available()), a.active, whyNotAdmitted(user).isEmpty());
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

    private static Authorized replayed(Authorized first) {
        return new Authorized(first.requestId(), first.held(), first.available(), first.expiresAt(), true);
    }

    static boolean enterable(Credits credits) {
        return credits.thousandths() > 0 && credits.thousandths() <= MAX_ENTERED;
    }

    static boolean isCost(Credits cost) {
        return cost.thousandths() >= 0 && cost.thousandths() <= MAX_ENTERED;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}

package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ledger.ModelState.AccountFigures;
import com.aicredits.ledger.ModelState.Rejection;
import com.aicredits.ledger.ModelState.Swept;
import com.aicredits.ledger.RequestState.Status;
import com.aicredits.shared.UserId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the sequences reached: every call's outcome ("settle ALREADY_VOIDED") and the rare events the rules
 * describe. A model test is only as good as the cases it reaches, so a full run fails when the sequences
 * stop reaching a refusal, a replay or a rare path. The rarest (a replayed end, a late settle reopening a
 * closed account) occur about twice in 500 sequences, so a full run goes on past its count until each is reached.
 */
final class ModelCoverage {

    static final List<String> REQUIRED_OUTCOMES = List.of(
            "purchase done", "purchase replayed", "purchase INVALID_AMOUNT", "purchase IDEMPOTENCY_KEY_REUSED",
            "assign done", "assign replayed", "assign ALREADY_ASSIGNED", "assign INSUFFICIENT_UNASSIGNED",
            "assign INVALID_AMOUNT", "assign IDEMPOTENCY_KEY_REUSED", "assign NOT_FOUND",
            "add done", "add replayed", "add NO_ALLOCATION", "add INSUFFICIENT_UNASSIGNED",
            "remove done", "remove replayed", "remove NO_ALLOCATION", "remove EXCEEDS_REMOVABLE",
            "remove INVALID_AMOUNT", "remove IDEMPOTENCY_KEY_REUSED",
            "authorize done", "authorize replayed", "authorize NO_ALLOCATION", "authorize CREDITS_EXHAUSTED",
            "authorize TOO_MANY_IN_FLIGHT", "authorize REQUEST_ID_REUSED", "authorize INVALID_AMOUNT",
            "authorize USER_INACTIVE", "assign USER_INACTIVE",
            "charge done", "charge replayed", "charge CREDITS_EXHAUSTED", "charge TOO_MANY_IN_FLIGHT",
            "charge REQUEST_ID_REUSED",
            "chargeBatch done", "chargeBatch replayed", "chargeBatch CREDITS_EXHAUSTED", "chargeBatch REQUEST_ID_REUSED",
            "chargeBatch INVALID_AMOUNT",
            "settle done", "settle replayed", "settle NOT_FOUND", "settle ALREADY_VOIDED",
            "void done", "void replayed", "void NOT_FOUND", "void ALREADY_SETTLED",
            "settle REQUEST_EXPIRED", "void REQUEST_EXPIRED",
            "authorizeGroup done", "authorizeGroup replayed", "authorizeGroup CREDITS_EXHAUSTED",
            "authorizeGroup TOO_MANY_IN_FLIGHT", "authorizeGroup REQUEST_ID_REUSED",
            "settleGroup done", "settleGroup replayed", "settleGroup NOT_FOUND", "settleGroup REQUEST_EXPIRED",
            "end done", "end replayed", "end NO_ALLOCATION", "end EXCEEDS_REMOVABLE", "end CREDITS_HELD",
            "expireHolds released",
            "setAllowance AllowanceOutcome", "setAllowance INVALID_AMOUNT", "setAllowance NOT_FOUND",
            "removeAllowance Boolean", "periodStart GrantTotals", "grantCurrentPeriod GrantTotals",
            "bulk applied", "bulk previewed", "bulk refused");

    static final List<String> REQUIRED_EVENTS = List.of("remaining went below zero",
            "a removal closed an allocation", "an assign reopened a closed account", "a late settle after expiry",
            "a late settle reopened a closed account", "a deactivation reclaimed credits",
            "a deactivation left held credits in place", "a sweep reclaimed what a finished request gave back");

    private final Map<String, Integer> outcomes = new TreeMap<>();
    private final Map<String, Integer> events = new TreeMap<>();

    /** The model's figures before a step, to tell afterwards which events the step caused. */
    record Before(Map<UserId, AccountFigures> accounts, Map<String, Status> statuses) {
    }

    Before before(LedgerModel model) {
        return new Before(model.accountFigures(), model.statuses());
    }

    void after(ModelStep step, Before before, LedgerModel model) {
        model.accountFigures().forEach((user, after) -> {
            var was = before.accounts().get(user);
            if (step instanceof ModelStep.Deactivate && was != null && after.assigned() < was.assigned()) {
                count(events, "a deactivation reclaimed credits");
                if (after.held() > 0) {
                    count(events, "a deactivation left held credits in place");
                }
            }
            if (step instanceof ModelStep.Elapse elapse && elapse.sweep() && was != null
                    && after.assigned() < was.assigned()) {
                count(events, "a sweep reclaimed what a finished request gave back");
            }
            if (was != null && !was.active() && after.active()) {
                count(events, step instanceof ModelStep.Settle ? "a late settle reopened a closed account"
                        : "an assign reopened a closed account");
            }
            if (was != null && was.active() && !after.active()) {
                count(events, "a removal closed an allocation");
            }
            if ((was == null || was.assigned() >= was.consumed()) && after.assigned() < after.consumed()) {
                count(events, "remaining went below zero");
            }
        });
        model.statuses().forEach((request, status) -> {
            if (before.statuses().get(request) == Status.EXPIRED && status == Status.SETTLED) {
                count(events, "a late settle after expiry");
            }
        });
    }

    void outcome(String call, Object result) {
        count(outcomes, call + " " + switch (result) {
            case Rejection r -> r.reason().name();
            case Swept s -> s.released() > 0 ? "released" : "none due";
            case Allocated a -> a.replayed() ? "replayed" : "done";
            case Purchased p -> p.replayed() ? "replayed" : "done";
            case Authorized a -> a.replayed() ? "replayed" : "done";
            case Settled s -> s.replayed() ? "replayed" : "done";
            case Voided v -> v.replayed() ? "replayed" : "done";
            case ModelBulk.Answer b -> !b.errors().isEmpty() ? "refused" : b.applied() ? "applied" : "previewed";
            default -> result.getClass().getSimpleName();
        });
    }

    boolean everyPathReached() {
        return outcomes.keySet().containsAll(REQUIRED_OUTCOMES) && events.keySet().containsAll(REQUIRED_EVENTS);
    }

    void requireEveryPathReached() {
        var outcomesMissed = REQUIRED_OUTCOMES.stream().filter(o -> !outcomes.containsKey(o)).toList();
        assertThat(outcomesMissed).as("outcomes the sequences never reached (reached: %s)", outcomes).isEmpty();
        var eventsMissed = REQUIRED_EVENTS.stream().filter(e -> !events.containsKey(e)).toList();
        assertThat(eventsMissed).as("events the sequences never reached (reached: %s)", events).isEmpty();
    }

    @Override
    public String toString() {
        return "outcomes:\n" + table(outcomes) + "events:\n" + table(events);
    }

    private static String table(Map<String, Integer> counts) {
        return counts.entrySet().stream().map(e -> String.format("  %6d  %s%n", e.getValue(), e.getKey()))
                .collect(Collectors.joining());
    }

    private static void count(Map<String, Integer> counts, String label) {
        counts.merge(label, 1, Integer::sum);
    }
}

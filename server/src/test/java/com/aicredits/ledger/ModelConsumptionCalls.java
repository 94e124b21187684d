package com.aicredits.ledger;

import static com.aicredits.ledger.ModelRun.FEATURE;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ledger.ModelChoices.RequestVariation;
import com.aicredits.ledger.ModelState.Rejection;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ModelRun}'s calls on the real ledger for consumption, beside the model's {@link ModelConsumption}:
 * authorize and charge (and their retries), batches of charges, and authorizations or settlements gathered by group
 * commit. Settles, voids and the expiry sweep are one
 * comparison each, made by their {@link ModelStep}.
 */
final class ModelConsumptionCalls {

    /** One authorize ({@code amount} is the estimate, null for the default) or charge ({@code amount} is the cost). */
    record RequestCall(boolean charge, RequestId request, UserId user, String feature, Credits amount) {
    }

    private final ModelRun run;
    private final List<RequestCall> requestCalls = new ArrayList<>();

    ModelConsumptionCalls(ModelRun run) {
        this.run = run;
    }

    void request(RequestCall call) {
        answer(call, describe(call), call.charge()
                ? run.ledger.charge(run.tenant, call.request(), call.user(), call.feature(), call.amount(), FEATURE)
                : run.ledger.authorize(run.tenant, call.request(), call.user(), call.feature(), call.amount(), FEATURE));
    }

    /** The model applies the call, and the ledger's answer to it must be the model's. */
    private void answer(RequestCall call, String described, Outcome<?> actual) {
        Instant now = run.clock.instant();
        Object expected = call.charge()
                ? ModelConsumption.charge(run.model, call.request(), call.user(), call.feature(), call.amount())
                : ModelConsumption.authorize(run.model, call.request(), call.user(), call.feature(),
                        call.amount(), now);
        if (expected instanceof Authorized e && !e.replayed() && actual instanceof Outcome.Done<?>(Authorized a)) {
            // The time may be kept to the microsecond only; a retry must then repeat this very answer.
            run.sameMoment(described, e.expiresAt(), a.expiresAt());
            var first = new Authorized(e.requestId(), e.held(), e.available(), a.expiresAt(), false);
            run.compare(described, first, a);
            ModelConsumption.answered(run.model, a);
        } else {
            run.compare(described, expected, actual);
        }
        requestCalls.add(call);
    }

    /**
     * Authorizations or settlements gathered by group commit ({@link HoldGatherer}): the well-formed ones go in one
     * round, then each the round left, and each malformed one, goes by the single path, in order (in the service, in
     * their callers' threads). The model applies them one after another as single calls: the group must answer that.
     */
    void gathered(ModelStep.Gathered step) {
        int size = step.items().size();
        var ids = new ArrayList<RequestId>();
        var sent = new ArrayList<Integer>();
        var authorizations = new ArrayList<HoldGatherer.AuthorizeItem>();
        var settlements = new ArrayList<HoldGatherer.SettleItem>();
        var calls = new ArrayList<Object>();
        for (int i = 0; i < size; i++) {
            int same = step.sameAs().get(i);
            switch (step.items().get(i)) {
                case ModelStep.Authorize a -> {
                    var id = same >= 0 ? ids.get(same) : run.requestFor(a.request());
                    var user = run.user(a.user());
                    var call = new RequestCall(false, id, user, a.feature(), a.estimate() == null ? null : run.amount(a.estimate(), user, id));
                    if (Checks.authorization(id, call.feature(), call.amount()).isEmpty()) {
                        sent.add(i);
                        authorizations.add(run.holds.authorization(id, user, call.feature(), call.amount()));
                    }
                    ids.add(id);
                    calls.add(call);
                }
                case ModelStep.Settle s -> {
                    var id = same >= 0 ? ids.get(same) : run.requestFor(s.request());
                    var settlement = new HoldGatherer.SettleItem(id, run.amount(s.cost(), run.model.userOf(id.value()).orElse(null), id));
                    if (Checks.settlement(id, settlement.cost()).isEmpty()) {
                        sent.add(i);
                        settlements.add(settlement);
                    }
                    ids.add(id);
                    calls.add(settlement);
                }
                default -> throw new IllegalArgumentException("not gathered: " + step.items().get(i));
            }
        }
        List<? extends Outcome<?>> round = authorizations.isEmpty() && settlements.isEmpty() ? List.of()
                : !authorizations.isEmpty() ? run.holds.authorizeRound(run.tenant, authorizations, FEATURE)
                : run.holds.settleRound(run.tenant, settlements, FEATURE);
        for (int i = 0; i < size; i++) {
            int inRound = sent.indexOf(i);
            Outcome<?> grouped = inRound < 0 ? null : round.get(inRound);
            String described = "%s(item %d of %d: %s)".formatted(calls.get(i) instanceof RequestCall ? "authorizeGroup" : "settleGroup", i, size, calls.get(i));
            switch (calls.get(i)) {
                case RequestCall call -> answer(call, described, grouped != null ? grouped
                        : run.ledger.authorize(run.tenant, call.request(), call.user(), call.feature(), call.amount(), FEATURE));
                case HoldGatherer.SettleItem s -> run.compare(described,
                        ModelConsumption.settle(run.model, s.request(), s.cost(), run.clock.instant()),
                        grouped != null ? grouped : run.ledger.settle(run.tenant, s.request(), s.cost(), FEATURE));
                default -> throw new IllegalStateException();
            }
        }
    }

    /**
     * A batch of charges: the model applies the items one after another as single charges (that is the
     * batch's contract); a malformed one (an item's cost out of range) is refused whole and changes nothing.
     */
    void chargeBatch(ModelStep.ChargeBatch step) {
        var items = new ArrayList<ChargeItem>();
        for (int i = 0; i < step.items().size(); i++) {
            var item = step.items().get(i);
            var id = step.sameAs().get(i) >= 0 ? items.get(step.sameAs().get(i)).requestId()
                    : run.requestFor(item.request());
            var userId = run.user(item.user());
            items.add(new ChargeItem(id, userId, item.feature(), run.amount(item.cost(), userId, id)));
        }
        var actual = run.ledger.charge(run.tenant, items, FEATURE);
        String described = "chargeBatch(" + items.stream().map(i -> i.requestId() + " " + run.names.get(i.userId())
                + " "
                + i.feature() + " cost=" + i.cost()).collect(java.util.stream.Collectors.joining(", ")) + ")";
        if (items.stream().anyMatch(i -> !LedgerModel.isCost(i.cost()))) {
            run.compare(described, new Rejection(Refusal.INVALID_AMOUNT), actual);
            return;
        }
        assertThat(actual).as("step #%d %s", run.steps, described).isInstanceOf(Outcome.Done.class);
        var results = actual.orElseThrow();
        for (int i = 0; i < items.size(); i++) {
            var item = items.get(i);
            var call = new RequestCall(true, item.requestId(), item.userId(), item.feature(), item.cost());
            run.compare("chargeBatch(item " + i + " of " + described.substring("chargeBatch(".length()),
                    ModelConsumption.charge(run.model, item.requestId(), item.userId(), item.feature(), item.cost()),
                    results.get(i));
            requestCalls.add(call);
        }
    }

    void retryRequest(int latest, RequestVariation variation) {
        if (requestCalls.isEmpty()) {
            run.transcribe("(no authorize or charge yet: nothing to retry)");
            return;
        }
        var first = requestCalls.get(requestCalls.size() - 1 - latest % requestCalls.size());
        request(switch (variation) {
            case SAME -> first;
            // Neither the estimate nor the cost is part of a request's identity: a retry still replays.
            case OTHER_AMOUNT -> new RequestCall(first.charge(), first.request(), first.user(), first.feature(),
                    first.amount() == null ? Credits.of(2) : first.amount().plus(new Credits(1)));
            case OTHER_USER -> new RequestCall(first.charge(), first.request(), run.nextUser(first.user()),
                    first.feature(), first.amount());
            case OTHER_FEATURE -> new RequestCall(first.charge(), first.request(), first.user(),
                    ModelChoices.CANVAS.equals(first.feature()) ? ModelChoices.SUMMARIZE : ModelChoices.CANVAS,
                    first.amount());
            case OTHER_KIND -> first.charge()
                    ? new RequestCall(false, first.request(), first.user(), first.feature(), null)
                    : new RequestCall(true, first.request(), first.user(), first.feature(),
                            first.amount() == null ? Credits.of(1) : first.amount());
        });
    }

    private String describe(RequestCall call) {
        return (call.charge() ? "charge(" : "authorize(") + call.request() + ", " + run.names.get(call.user()) + ", "
                + call.feature() + ", " + (call.charge() ? "cost=" : "estimate=") + call.amount() + ")";
    }
}

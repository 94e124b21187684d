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
 * authorize and charge (and their retries), and batches of charges. Settles, voids and the expiry sweep are one
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
        Instant now = run.clock.instant();
        Object expected = call.charge()
                ? ModelConsumption.charge(run.model, call.request(), call.user(), call.feature(), call.amount())
                : ModelConsumption.authorize(run.model, call.request(), call.user(), call.feature(),
                        call.amount(), now);
        Object actual = call.charge()
                ? run.ledger.charge(run.tenant, call.request(), call.user(), call.feature(), call.amount(), FEATURE)
                : run.ledger.authorize(run.tenant, call.request(), call.user(), call.feature(), call.amount(), FEATURE);
        if (expected instanceof Authorized e && !e.replayed() && actual instanceof Outcome.Done<?>(Authorized a)) {
            // The time may be kept to the microsecond only; a retry must then repeat this very answer.
            run.sameMoment(describe(call), e.expiresAt(), a.expiresAt());
            var first = new Authorized(e.requestId(), e.held(), e.available(), a.expiresAt(), false);
            run.compare(describe(call), first, a);
            ModelConsumption.answered(run.model, a);
        } else {
            run.compare(describe(call), expected, actual);
        }
        requestCalls.add(call);
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

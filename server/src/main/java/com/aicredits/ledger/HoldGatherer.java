package com.aicredits.ledger;

import com.aicredits.ledger.AdmissionStore.Hold;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * Group commit of authorizations and settlements ({@link GroupCommit}): a group of concurrent
 * {@code POST /consumption/authorize} (or {@code /settle}) calls of one tenant is one call of a round function
 * (V33__hold_rounds.sql), which applies the items under the single call's rule in one statement. An item the round
 * did not apply (refused, a request id already recorded, nothing in flight to settle, a second item of a user or
 * request id in the group) is answered by the single path, which finds why or applies it.
 */
@Service
class HoldGatherer {

    private final Consumption consumption;
    private final AdmissionStore admission;
    private final RequestStore requests;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final GroupCommit<AuthorizeItem, Outcome<Authorized>> authorizations;
    private final GroupCommit<SettleItem, Outcome<Settled>> settlements;

    HoldGatherer(GroupCommitSettings settings, Consumption consumption, AdmissionStore admission, RequestStore requests,
            ApplicationEventPublisher events, Clock clock, LedgerMetrics metrics) {
        this.consumption = consumption;
        this.admission = admission;
        this.requests = requests;
        this.events = events;
        this.clock = clock;
        this.authorizations = new GroupCommit<>(settings, metrics, "authorizations",
                (tenant, actor, a) -> consumption.authorize(tenant, a.request(), a.user(), a.feature(), a.estimate(), actor),
                this::authorizeRound);
        this.settlements = new GroupCommit<>(settings, metrics, "settlements",
                (tenant, actor, s) -> consumption.settle(tenant, s.request(), s.cost(), actor),
                this::settleRound);
    }

    /** One authorization as asked (estimate may be null) and the hold it places. */
    record AuthorizeItem(RequestId request, UserId user, String feature, Credits estimate, Credits hold) {
    }

    record SettleItem(RequestId request, Credits cost) {
    }

    /** A well-formed authorization as a group takes it. */
    AuthorizeItem authorization(RequestId request, UserId user, String feature, Credits estimate) {
        return new AuthorizeItem(request, user, feature, estimate, consumption.holdFor(feature, estimate));
    }

    Outcome<Authorized> authorize(TenantId tenant, RequestId request, UserId user, String feature, Credits estimate,
            Actor actor) {
        if (user == null || user.value() == null || Checks.authorization(request, feature, estimate).isPresent()) {
            // Refused by the single path, with the field it names.
            return consumption.authorize(tenant, request, user, feature, estimate, actor);
        }
        return authorizations.submit(tenant, actor, authorization(request, user, feature, estimate));
    }

    Outcome<Settled> settle(TenantId tenant, RequestId request, Credits cost, Actor actor) {
        if (Checks.settlement(request, cost).isPresent()) {
            return consumption.settle(tenant, request, cost, actor);
        }
        return settlements.submit(tenant, actor, new SettleItem(request, cost));
    }

    /**
     * The group path: the items' answers in their order, null for one left to the single path ({@link GroupCommit}).
     * The model test applies groups through it.
     */
    List<Outcome<Authorized>> authorizeRound(TenantId tenant, List<AuthorizeItem> items, Actor actor) {
        // One item per user and request id in a round (V33). A later item of a user or request id already seen goes
        // alone, after the round (as does every later item of that user: none overtakes one that went alone).
        var users = new HashSet<UserId>();
        var ids = new HashSet<RequestId>();
        var sent = new ArrayList<Integer>();
        for (int i = 0; i < items.size(); i++) {
            var item = items.get(i);
            boolean first = !users.contains(item.user()) && !ids.contains(item.request());
            users.add(item.user());
            ids.add(item.request());
            if (first) {
                sent.add(i);
            }
        }
        Instant now = Clocks.now(clock);
        Instant expiresAt = consumption.expiresAt(now);
        var admitted = admission.authorizeRound(tenant, sent.stream().map(items::get)
                        .map(a -> new Hold(a.request(), a.user(), a.feature(), a.hold().thousandths())).toList(),
                actor, now, expiresAt, consumption.settleBy(now));
        var answers = new ArrayList<Outcome<Authorized>>(Collections.nCopies(items.size(), null));
        admitted.forEach((k, a) -> {
            var item = items.get(sent.get(k));
            events.publishEvent(new CreditsChanged(tenant, item.user()));
            answers.set(sent.get(k), Outcome.done(Consumption.authorized(item.request(), item.hold(), a, expiresAt)));
        });
        return answers;
    }

    /** The group path for settlements, as {@link #authorizeRound}. */
    List<Outcome<Settled>> settleRound(TenantId tenant, List<SettleItem> items, Actor actor) {
        // One item per request id in a round (V33); a repeat goes alone, after the round, and answers as a replay.
        var ids = new HashSet<RequestId>();
        var sent = new ArrayList<Integer>();
        for (int i = 0; i < items.size(); i++) {
            if (ids.add(items.get(i).request())) {
                sent.add(i);
            }
        }
        var settled = requests.settleRound(tenant, sent.stream().map(i -> items.get(i).request()).toList(),
                sent.stream().map(i -> items.get(i).cost()).toList(), actor, Clocks.now(clock));
        var answers = new ArrayList<Outcome<Settled>>(Collections.nCopies(items.size(), null));
        settled.forEach((k, s) -> {
            var item = items.get(sent.get(k));
            answers.set(sent.get(k), consumption.settled(tenant, item.request(), item.cost(), s));
        });
        return answers;
    }
}

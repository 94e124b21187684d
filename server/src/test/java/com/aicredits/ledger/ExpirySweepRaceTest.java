package com.aicredits.ledger;

import static com.aicredits.Outcomes.doneValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.Together;
import com.aicredits.ledger.RequestState.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.UserId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Holds racing the expiry sweep: settles against the sweep release every hold once, and waves of authorizations
 * whose holds expire, then settle late, stay within the overdraft bound.
 */
@TestApplication
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExpirySweepRaceTest extends LedgerRaceContext {

    // ------------------------------------------------------------------ settle racing the expiry sweep

    @Test
    void settles_racing_the_expiry_sweep_release_every_hold_once_and_record_every_cost_once() throws Exception {
        tenant("settle versus sweep");
        purchase(1000);
        List<UserId> users = assignedUsers(10, 10);
        Map<RequestId, UserId> owner = new HashMap<>();
        Map<RequestId, Credits> cost = new HashMap<>();
        List<RequestId> requests = new ArrayList<>();
        int round = 0;
        for (UserId user : users) {
            for (int k = 0; k < 4; k++) {
                var request = new RequestId("x-" + round++);
                assertThat(ledger.authorize(tenant, request, user, FEATURE, Credits.of(2), ACTOR))
                        .isInstanceOf(Outcome.Done.class);
                owner.put(request, user);
                cost.put(request, new Credits(500L * (1 + k))); // 0.5, 1, 1.5, 2
                requests.add(request);
            }
        }
        testClock.advance(Duration.ofMinutes(16));

        // 4 sweepers and 2 settles per request (80), all released at once.
        int sweepers = 4;
        int settlers = requests.size() * 2;
        AtomicInteger swept = new AtomicInteger();
        List<Object> results = Together.run(sweepers + settlers, i -> {
            if (i < sweepers) {
                swept.addAndGet(ledger.expireHolds());
                return null;
            }
            var request = requests.get((i - sweepers) / 2);
            return ledger.settle(tenant, request, cost.get(request), ACTOR);
        });
        swept.addAndGet(ledger.expireHolds()); // nothing of this tenant is left to expire

        Map<RequestId, List<Settled>> byRequest = new HashMap<>();
        for (int i = sweepers; i < results.size(); i++) {
            var request = requests.get((i - sweepers) / 2);
            assertThat(results.get(i)).as("settle of %s", request).isInstanceOf(Outcome.Done.class);
            byRequest.computeIfAbsent(request, r -> new ArrayList<>()).add(doneValue(results.get(i), Settled.class));
        }
        for (RequestId request : requests) {
            List<Settled> settles = byRequest.get(request);
            assertThat(settles).as("%s", request).hasSize(2)
                    .allSatisfy(s -> assertThat(s.cost()).isEqualTo(cost.get(request)));
            assertThat(settles).as("%s settled fresh exactly once", request).filteredOn(s -> !s.replayed()).hasSize(1);
            assertThat(settles.get(0).remaining()).isEqualTo(settles.get(1).remaining());
            var state = ledger.request(tenant, request).orElseThrow();
            assertThat(state.status()).isEqualTo(Status.SETTLED);
            assertThat(state.cost()).isEqualTo(cost.get(request));
        }

        List<Entry> all = new ArrayList<>(entries(null, null));
        all.sort(Comparator.comparingLong(Entry::id));
        List<Entry> expires = all.stream().filter(e -> e.type() == EntryType.EXPIRE).toList();
        assertThat(swept.get()).isGreaterThanOrEqualTo(expires.size());
        for (UserId user : users) {
            var balance = ledger.balance(tenant, user).orElseThrow();
            assertThat(balance.held()).isEqualTo(Credits.ZERO);
            assertThat(balance.consumed()).isEqualTo(new Credits(500 + 1000 + 1500 + 2000));
            assertThat(balance.remaining()).isEqualTo(new Credits(10_000 - 5000));
            // Each request's hold of 2 was released exactly once, by the sweep or by its settle.
            Map<String, Long> released = new HashMap<>();
            Credits previousHeld = Credits.ZERO;
            for (Entry e : all.stream().filter(e -> user.equals(e.userId())).toList()) {
                long delta = e.heldAfter().minus(previousHeld).thousandths();
                previousHeld = e.heldAfter();
                if (delta < 0) {
                    released.merge(e.requestId(), -delta, Long::sum);
                }
            }
            assertThat(released).hasSize(4).allSatisfy((request, amount) ->
                    assertThat(amount).as("released for %s", request).isEqualTo(Credits.of(2).thousandths()));
            // And the user can run four new requests again: no open hold was left behind.
            for (int k = 0; k < 4; k++) {
                var again = new RequestId("again-" + user.value() + "-" + k);
                assertThat(ledger.authorize(tenant, again, user, FEATURE, new Credits(1), ACTOR))
                        .isInstanceOf(Outcome.Done.class);
            }
            for (int k = 0; k < 4; k++) { // leave no open hold for later sweeps of other test classes
                var again = new RequestId("again-" + user.value() + "-" + k);
                assertThat(ledger.voidRequest(tenant, again, ACTOR)).isEqualTo(Outcome.done(new Voided(again, false)));
            }
        }
        assertThat(all.stream().filter(e -> e.type() == EntryType.SETTLE).count()).isEqualTo(requests.size());
        assertThat(all.stream().filter(e -> e.type() == EntryType.SETTLE).map(Entry::requestId).distinct().count())
                .isEqualTo(requests.size());
        assertThat(expires.stream().map(Entry::requestId).distinct().count()).isEqualTo(expires.size());
    }

    // ------------------------------------------------------------------ the overdraft bound (SPEC part two)

    /**
     * The reproduction from the ledger issue, under concurrency: waves of authorizations race the sweeper,
     * their holds expire (giving the credits back), and the next wave tries again; at the end every admitted
     * request settles late, all at once. Before the settle deadline existed, each wave found free slots and
     * the late settles overdrew far past the bound; now the expired requests keep their slots.
     */
    @Test
    void waves_of_authorizations_whose_holds_expire_then_settle_late_stay_within_the_overdraft_bound() throws Exception {
        tenant("overdraft bound");
        purchase(100);
        UserId user = assignedUsers(1, 1).get(0);
        Credits largestCost = Credits.of(3);
        long limit = 4;
        List<RequestId> admitted = new ArrayList<>();
        for (int wave = 0; wave < 4; wave++) {
            int w = wave;
            List<Object> results = Together.run(18, i -> i < 16
                    ? ledger.authorize(tenant, new RequestId("wave-" + w + "-" + i), user, FEATURE, new Credits(1), ACTOR)
                    : ledger.expireHolds());
            for (int i = 0; i < 16; i++) {
                if (results.get(i) instanceof Outcome.Done<?>) {
                    admitted.add(new RequestId("wave-" + w + "-" + i));
                }
            }
            testClock.advance(Duration.ofMinutes(16));
            ledger.expireHolds();
        }
        assertThat(admitted).as("requests in flight across the waves").hasSizeLessThanOrEqualTo((int) limit);

        List<Object> settles = Together.run(admitted.size() + 2, i -> i < admitted.size()
                ? ledger.settle(tenant, admitted.get(i), largestCost, ACTOR)
                : ledger.authorize(tenant, new RequestId("after-" + i), user, FEATURE, new Credits(1), ACTOR));
        assertThat(settles.subList(0, admitted.size())).allSatisfy(r -> assertThat(r).isInstanceOf(Outcome.Done.class));

        var remaining = ledger.balance(tenant, user).orElseThrow().remaining();
        assertThat(remaining.thousandths()).as("remaining ≥ −(limit × largest single cost)")
                .isGreaterThanOrEqualTo(-limit * largestCost.thousandths());
        assertThat(ledger.reconcile(tenant).drifts()).isEmpty();
    }
}

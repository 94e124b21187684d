package com.aicredits.ledger;

import static com.aicredits.Outcomes.doneValues;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.Together;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Admission under a storm: two hundred authorizations (tiny or default estimates) or charges released at once
 * against one credit admit exactly what the concurrency limit and the available credits allow.
 */
@TestApplication
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AdmissionStormTest extends LedgerRaceContext {

    @Test
    void two_hundred_authorizations_with_tiny_estimates_against_one_credit_admit_exactly_the_concurrency_limit()
            throws Exception {
        tenant("authorize storm, tiny estimates");
        purchase(10);
        UserId user = assignedUsers(1, 1).getFirst();

        List<Outcome<Authorized>> results = Together.run(200, i -> ledger.authorize(tenant, new RequestId("r-" + i), user,
                FEATURE, new Credits(1), ACTOR));

        List<Authorized> admitted = authorized(results);
        assertThat(admitted).hasSize(4).allSatisfy(a -> {
            assertThat(a.replayed()).isFalse();
            assertThat(a.held()).isEqualTo(new Credits(1));
        });
        // Each admission saw the holds before it: available after 1, 2, 3 and 4 holds of 0.001.
        assertThat(admitted.stream().map(Authorized::available).collect(Collectors.toSet()))
                .isEqualTo(Set.of(new Credits(999), new Credits(998), new Credits(997), new Credits(996)));
        // Available never reached zero, so every refusal is the in-flight limit.
        assertThat(refused(results)).hasSize(196)
                .allSatisfy(r -> assertThat(r.reason()).isEqualTo(Refusal.TOO_MANY_IN_FLIGHT));
        var held = ledger.balance(tenant, user).orElseThrow();
        assertThat(held.held()).isEqualTo(new Credits(4));
        assertThat(held.available()).isEqualTo(new Credits(996));
        assertThat(entries(user, EntryType.AUTHORIZE)).hasSize(4);

        // The work was done: settle all four at once with costs far above the one credit.
        List<Long> costs = List.of(3L, 5L, 7L, 11L);
        List<Outcome<Settled>> settled = Together.run(4, i -> ledger.settle(tenant, admitted.get(i).requestId(),
                Credits.of(costs.get(i)), ACTOR));

        assertThat(settled).allSatisfy(s -> assertThat(s.orElseThrow()).satisfies(
                x -> assertThat(x.replayed()).isFalse()));
        var after = ledger.balance(tenant, user).orElseThrow();
        assertThat(after.consumed()).isEqualTo(Credits.of(26));
        assertThat(after.held()).isEqualTo(Credits.ZERO);
        assertThat(after.remaining()).isEqualTo(Credits.of(-25));
        // Overdraft bound: at most concurrency limit x largest single cost below zero.
        assertThat(after.remaining()).isGreaterThanOrEqualTo(Credits.of(-4 * 11));
        assertThat(ledger.authorize(tenant, new RequestId("after"), user, FEATURE, null, ACTOR))
                .isInstanceOfSatisfying(Refused.class,
                        r -> assertThat(r.reason()).isEqualTo(Refusal.CREDITS_EXHAUSTED));
    }

    @Test
    void two_hundred_authorizations_with_the_default_estimate_against_one_credit_admit_exactly_one() throws Exception {
        tenant("authorize storm, default estimate");
        purchase(10);
        UserId user = assignedUsers(1, 1).getFirst();

        List<Outcome<Authorized>> results = Together.run(200, i -> ledger.authorize(tenant, new RequestId("r-" + i), user,
                FEATURE, null, ACTOR));

        List<Authorized> admitted = authorized(results);
        assertThat(admitted).hasSize(1);
        assertThat(admitted.getFirst().held()).isEqualTo(Credits.of(1));
        assertThat(admitted.getFirst().available()).isEqualTo(Credits.ZERO);
        assertThat(refused(results)).hasSize(199).allSatisfy(r -> {
            assertThat(r.reason()).isEqualTo(Refusal.CREDITS_EXHAUSTED);
            assertThat(r.limit()).isEqualTo(Credits.ZERO);
        });
        assertThat(ledger.balance(tenant, user).orElseThrow().held()).isEqualTo(Credits.of(1));

        assertThat(ledger.settle(tenant, admitted.getFirst().requestId(), Credits.of(7), ACTOR))
                .isEqualTo(Outcome.done(new Settled(admitted.getFirst().requestId(), Credits.of(7), Credits.of(-6), false)));
        var after = ledger.balance(tenant, user).orElseThrow();
        assertThat(after.held()).isEqualTo(Credits.ZERO);
        assertThat(after.consumed()).isEqualTo(Credits.of(7));
        assertThat(after.remaining()).isGreaterThanOrEqualTo(Credits.of(-4 * 7));
    }

    @Test
    void two_hundred_charges_against_one_credit_stop_at_the_first_that_takes_available_to_zero_or_below()
            throws Exception {
        tenant("charge storm");
        purchase(10);
        UserId user = assignedUsers(1, 1).getFirst();
        Credits cost = new Credits(300);

        List<Outcome<Settled>> results = Together.run(200, i -> ledger.charge(tenant, new RequestId("c-" + i), user,
                FEATURE, cost, ACTOR));

        // 1 -> 0.7 -> 0.4 -> 0.1 -> -0.2: four are admitted while available > 0, then none.
        List<Settled> charged = doneValues(results, Settled.class);
        assertThat(charged).hasSize(4).allSatisfy(s -> assertThat(s.replayed()).isFalse());
        assertThat(charged.stream().map(Settled::remaining).collect(Collectors.toSet()))
                .isEqualTo(Set.of(new Credits(700), new Credits(400), new Credits(100), new Credits(-200)));
        assertThat(refused(results)).hasSize(196).allSatisfy(r -> {
            assertThat(r.reason()).isEqualTo(Refusal.CREDITS_EXHAUSTED);
            assertThat(r.limit()).isEqualTo(new Credits(-200));
        });
        var balance = ledger.balance(tenant, user).orElseThrow();
        assertThat(balance.consumed()).isEqualTo(new Credits(1200));
        assertThat(balance.remaining()).isEqualTo(new Credits(-200));
        assertThat(balance.remaining()).isGreaterThanOrEqualTo(new Credits(-4 * 300));
        assertThat(entries(user, EntryType.CHARGE)).hasSize(4);
    }
}

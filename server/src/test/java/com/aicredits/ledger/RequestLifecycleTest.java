package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.ledger.RequestState.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The consumption request's lifecycle (the table request_transitions in V7__ledger_rules_and_lifecycle.sql) through
 * the ledger: every allowed transition, and the settle deadline that makes the overdraft bound exact.
 * {@link RequestTransitionsTest} has the database refusing every other transition.
 */
@TestApplication
class RequestLifecycleTest extends UserWithCreditsContext {

    private Status status(RequestId request) {
        return ledger.request(t.tenant, request).orElseThrow().status();
    }

    @Test
    void authorized_then_settled() {
        var request = authorized("2");
        assertThat(ledger.settle(t.tenant, request, credits("3"), FEATURE)).isInstanceOf(Outcome.Done.class);
        assertThat(status(request)).isEqualTo(Status.SETTLED);
        t.assertReconciles();
    }

    @Test
    void authorized_then_voided() {
        var request = authorized("2");
        assertThat(ledger.voidRequest(t.tenant, request, FEATURE)).isInstanceOf(Outcome.Done.class);
        assertThat(status(request)).isEqualTo(Status.VOIDED);
        t.assertReconciles();
    }

    @Test
    void authorized_then_expired_gives_the_credits_back_but_keeps_the_slot() {
        var request = authorized("2");
        expireHolds();
        assertThat(status(request)).isEqualTo(Status.EXPIRED);
        assertThat(t.balance(ada).held()).isEqualTo(Credits.ZERO);
        assertThat(t.balance(ada).available()).isEqualTo(Credits.of(10));
        assertThat(inFlight(ada)).isEqualTo(1);
        t.assertReconciles();
    }

    @Test
    void expired_then_settled_before_the_deadline_records_the_cost_once_and_frees_the_slot() {
        var request = authorized("2");
        expireHolds();
        var settled = ledger.settle(t.tenant, request, credits("3"), FEATURE);
        assertThat(settled).isEqualTo(Outcome.done(new Settled(request, Credits.of(3), Credits.of(7), false)));
        assertThat(status(request)).isEqualTo(Status.SETTLED);
        assertThat(inFlight(ada)).isZero();
        t.assertReconciles();
    }

    @Test
    void expired_then_voided_before_the_deadline_frees_the_slot() {
        var request = authorized("2");
        expireHolds();
        assertThat(ledger.voidRequest(t.tenant, request, FEATURE)).isEqualTo(Outcome.done(new Voided(request, false)));
        assertThat(status(request)).isEqualTo(Status.VOIDED);
        assertThat(inFlight(ada)).isZero();
        t.assertReconciles();
    }

    @Test
    void charged_is_settled_from_the_start() {
        var settled = t.charged(ada, "4");
        assertThat(status(settled.requestId())).isEqualTo(Status.SETTLED);
    }

    /** Decided for the security issue: a cost of 0 is a request that cost nothing, as for settle (SPEC: cost ≥ 0). */
    @Test
    void a_charge_of_zero_is_recorded_as_a_settled_request_and_a_negative_cost_is_refused() {
        var free = ledger.charge(t.tenant, new RequestId("free"), ada, "canvas", Credits.ZERO, FEATURE).orElseThrow();
        assertThat(free.cost()).isEqualTo(Credits.ZERO);
        assertThat(status(free.requestId())).isEqualTo(Status.SETTLED);
        assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(10));
        assertThat(ledger.charge(t.tenant, new RequestId("negative"), ada, "canvas", Credits.of(-1), FEATURE))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(Refusal.INVALID_AMOUNT));
        t.assertReconciles();
    }

    @Test
    void after_the_settle_deadline_the_slot_is_freed_and_settle_or_void_is_refused_and_changes_nothing() {
        var request = authorized("2");
        expireHolds();
        clock.advance(PAST_THE_DEADLINE);
        ledger.expireHolds();
        assertThat(inFlight(ada)).isZero();
        var before = t.balance(ada);
        long entries = entries();

        var settle = ledger.settle(t.tenant, request, credits("3"), FEATURE);
        var voided = ledger.voidRequest(t.tenant, request, FEATURE);

        assertThat(settle).isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(Refusal.REQUEST_EXPIRED));
        assertThat(voided).isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(Refusal.REQUEST_EXPIRED));
        assertThat(t.balance(ada)).isEqualTo(before);
        assertThat(entries()).isEqualTo(entries);
        assertThat(status(request)).isEqualTo(Status.EXPIRED);
        t.assertReconciles();
    }

    @Test
    void a_settle_after_the_deadline_is_refused_even_before_the_sweeper_has_freed_the_slot() {
        var request = authorized("2");
        expireHolds();
        clock.advance(PAST_THE_DEADLINE);

        assertThat(ledger.settle(t.tenant, request, credits("3"), FEATURE))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(Refusal.REQUEST_EXPIRED));
        assertThat(t.balance(ada).consumed()).isEqualTo(Credits.ZERO);
    }

    /**
     * The reproduction from the ledger issue: holds that expire free their credits, so more requests were
     * admitted while the expired ones could still settle late, and the debt grew past limit × largest cost.
     * With the slot kept, at most the limit (4) is ever in flight, and the bound holds after every settle.
     */
    @Test
    void holds_expiring_and_settling_late_again_and_again_never_overdraw_past_the_bound() {
        Credits largestCost = credits("6");
        long bound = -4 * largestCost.thousandths();
        for (int round = 0; round < 5; round++) {
            List<RequestId> admitted = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                var request = new RequestId("late-" + round + "-" + i);
                if (ledger.authorize(t.tenant, request, ada, "canvas", credits("0.001"), FEATURE) instanceof Outcome.Done<?>) {
                    admitted.add(request);
                }
                expireHolds();
            }
            assertThat(admitted.size()).as("requests in flight in round %d", round).isLessThanOrEqualTo(4);
            for (var request : admitted) {
                ledger.settle(t.tenant, request, largestCost, FEATURE);
                assertThat(t.balance(ada).remaining().thousandths()).isGreaterThanOrEqualTo(bound);
            }
        }
        t.assertReconciles();
    }

    private int inFlight(UserId user) {
        return jdbc.sql("select open_holds from accounts where tenant_id = ? and user_id = ?")
                .params(t.tenant.value(), user.value()).query(Integer.class).single();
    }

    private long entries() {
        return jdbc.sql("select count(*) from ledger_entries where tenant_id = ?").param(t.tenant.value()).query(Long.class).single();
    }
}

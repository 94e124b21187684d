package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.ADMIN;
import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aicredits.TestApplication;
import com.aicredits.TestClock;
import com.aicredits.directory.Directory;
import com.aicredits.directory.UserChange;
import com.aicredits.ledger.RequestState.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The consumption request's lifecycle (the table request_transitions in V7__ledger_rules_and_lifecycle.sql):
 * every allowed transition through the ledger, every other one refused by the database itself, and the
 * settle deadline that makes the overdraft bound exact.
 */
@TestApplication
class RequestLifecycleTest {

    static final Duration PAST_THE_HOLD = Duration.ofMinutes(16);
    static final Duration PAST_THE_DEADLINE = Duration.ofHours(24);

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired TestClock clock;
    @Autowired JdbcClient jdbc;

    LedgerFixture t;
    UserId ada;

    @BeforeEach
    void aUserWithCredits() {
        t = new LedgerFixture(ledger, directory);
        ada = t.userWithCredits("Ada", "100", "10");
    }

    private RequestId authorized(String estimate) {
        var request = new RequestId("r-" + java.util.UUID.randomUUID());
        assertThat(ledger.authorize(t.tenant, request, ada, "canvas", credits(estimate), FEATURE)).isInstanceOf(Outcome.Done.class);
        return request;
    }

    private Status status(RequestId request) {
        return ledger.request(t.tenant, request).orElseThrow().status();
    }

    private void expireHolds() {
        clock.advance(PAST_THE_HOLD);
        ledger.expireHolds();
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

    // ------------------------------------------------------------------ the database refuses the rest

    static final List<String> STATUSES = List.of("AUTHORIZED", "SETTLED", "VOIDED", "EXPIRED");
    static final Set<String> ALLOWED = Set.of("AUTHORIZED>SETTLED", "AUTHORIZED>VOIDED", "AUTHORIZED>EXPIRED",
            "EXPIRED>SETTLED", "EXPIRED>VOIDED");

    static Stream<Arguments> forbiddenTransitions() {
        return STATUSES.stream().flatMap(from -> STATUSES.stream().filter(to -> !from.equals(to))
                .filter(to -> !ALLOWED.contains(from + ">" + to)).map(to -> Arguments.of(from, to)));
    }

    @Test
    void the_transition_table_lists_exactly_the_lifecycle() {
        var rows = jdbc.sql("select from_status || '>' || to_status from request_transitions").query(String.class).set();
        assertThat(rows).containsExactlyInAnyOrderElementsOf(
                Stream.concat(ALLOWED.stream(), Stream.of("START>AUTHORIZED", "START>SETTLED")).toList());
    }

    @ParameterizedTest(name = "{0} → {1} is refused")
    @MethodSource("forbiddenTransitions")
    void any_other_change_of_status_is_refused_by_the_database(String from, String to) {
        var request = requestIn(from);
        assertThatThrownBy(() -> jdbc.sql("update consumption_requests set status = ?, cost = case when ? = 'SETTLED' then 1 end,"
                        + " in_flight = ? = 'AUTHORIZED' or (? = 'EXPIRED' and in_flight) where tenant_id = ? and request_id = ?")
                .params(to, to, to, to, t.tenant.value(), request.value()).update())
                .hasMessageContaining("may not go from " + from + " to " + to);
    }

    @Test
    void a_request_cannot_start_voided_or_expired() {
        for (String status : List.of("VOIDED", "EXPIRED")) {
            assertThatThrownBy(() -> jdbc.sql("""
                    insert into consumption_requests (tenant_id, request_id, user_id, feature, status, held,
                        available_after, created_at)
                    values (?, ?, ?, 'canvas', ?, 0, 0, now())
                    """).params(t.tenant.value(), "born-" + status, ada.value(), status).update())
                    .hasMessageContaining("may not go from START to " + status);
        }
    }

    @Test
    void an_expired_request_past_its_deadline_is_final_in_the_database_too() {
        var request = authorized("2");
        expireHolds();
        clock.advance(PAST_THE_DEADLINE);
        ledger.expireHolds();
        assertThatThrownBy(() -> jdbc.sql("update consumption_requests set status = 'VOIDED' where tenant_id = ? and request_id = ?")
                .params(t.tenant.value(), request.value()).update())
                .hasMessageContaining("settle deadline passed");
    }

    private RequestId requestIn(String status) {
        return switch (status) {
            case "AUTHORIZED" -> authorized("1");
            case "SETTLED" -> t.charged(ada, "1").requestId();
            case "VOIDED" -> {
                var request = authorized("1");
                ledger.voidRequest(t.tenant, request, FEATURE);
                yield request;
            }
            case "EXPIRED" -> {
                var request = authorized("1");
                expireHolds();
                yield request;
            }
            default -> throw new IllegalArgumentException(status);
        };
    }

    // ------------------------------------------------------------------ canStart agrees with authorize

    @Test
    void can_start_is_true_exactly_when_authorize_admits_for_every_refusal_reason() {
        var fresh = t.user("Fresh");
        assertAgrees(fresh, Refusal.NO_ALLOCATION);

        var spent = t.user("Spent");
        t.assigned(spent, "1");
        t.charged(spent, "1");
        assertAgrees(spent, Refusal.CREDITS_EXHAUSTED);

        var busy = t.user("Busy");
        t.assigned(busy, "10");
        for (int i = 0; i < 4; i++) {
            ledger.authorize(t.tenant, new RequestId("busy-" + i), busy, "canvas", credits("1"), FEATURE);
        }
        assertAgrees(busy, Refusal.TOO_MANY_IN_FLIGHT);

        var gone = t.user("Gone");
        t.assigned(gone, "10");
        directory.change(t.tenant, gone, new UserChange(null, null, false));
        assertAgrees(gone, Refusal.USER_INACTIVE);

        assertAgrees(ada, null);
    }

    /** Reads canStart, then authorizes: the balance must have predicted the decision. */
    private void assertAgrees(UserId user, Refusal expected) {
        boolean canStart = t.balance(user).canStart();
        var decision = ledger.authorize(t.tenant, new RequestId("probe-" + java.util.UUID.randomUUID()), user, "canvas",
                credits("1"), FEATURE);
        if (expected == null) {
            assertThat(canStart).isTrue();
            assertThat(decision).isInstanceOf(Outcome.Done.class);
        } else {
            assertThat(canStart).as("canStart when authorize refuses %s", expected).isFalse();
            assertThat(decision).isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(expected));
        }
    }

    // ------------------------------------------------------------------ ending an allocation

    @Test
    void an_allocation_below_zero_can_be_ended_and_leaves_the_table_with_its_history() {
        t.charged(ada, "9");
        var request = authorized("1");
        // nothing removable, but a running request holds the last credit: the allocation stays open
        assertThat(ledger.endAllocation(t.tenant, ada, ADMIN, null))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(Refusal.CREDITS_HELD));
        ledger.settle(t.tenant, request, credits("6"), FEATURE);

        var ended = ledger.endAllocation(t.tenant, ada, ADMIN, "end-1");

        assertThat(ended.orElseThrow()).satisfies(a -> {
            assertThat(a.row().active()).isFalse();
            assertThat(a.row().remaining()).isEqualTo(Credits.of(-5));
        });
        assertThat(ledger.endAllocation(t.tenant, ada, ADMIN, "end-1")).isEqualTo(
                Outcome.done(new Allocated(ended.orElseThrow().row(), true)));
        assertThat(ledger.row(t.tenant, ada).orElseThrow().active()).isFalse();
        assertThat(t.summary().usersWithCredits()).isZero();
        assertThat(ledger.entries(t.tenant, ada, EntryType.END, 0, 10).items()).hasSize(1);
        t.assertReconciles();
    }

    @Test
    void ending_an_allocation_with_credits_left_or_none_at_all_is_refused() {
        assertThat(ledger.endAllocation(t.tenant, ada, ADMIN, null)).isInstanceOfSatisfying(Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(Refusal.EXCEEDS_REMOVABLE);
            assertThat(r.limit()).isEqualTo(Credits.of(10));
        });
        assertThat(ledger.endAllocation(t.tenant, t.user("Nobody"), ADMIN, null))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(Refusal.NO_ALLOCATION));
    }

    private int inFlight(UserId user) {
        return jdbc.sql("select open_holds from accounts where tenant_id = ? and user_id = ?")
                .params(t.tenant.value(), user.value()).query(Integer.class).single();
    }

    private long entries() {
        return jdbc.sql("select count(*) from ledger_entries where tenant_id = ?").param(t.tenant.value()).query(Long.class).single();
    }
}

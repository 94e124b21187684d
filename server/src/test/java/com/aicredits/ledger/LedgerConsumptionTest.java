package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.UserChange;
import com.aicredits.ledger.RequestState.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.UserId;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A request's consumption lifecycle: authorize, settle, charge, void and expiry, admission and its refusals. */
@TestApplication
class LedgerConsumptionTest extends LedgerTenantContext {

    @Nested
    class Consuming {

        UserId ada;

        @BeforeEach
        void adaHasCredits() {
            ada = t.user("Ada");
            t.purchased("1000").assigned(ada, "100");
        }

        @Test
        void an_authorization_holds_the_estimate_and_settling_consumes_the_actual_cost() {
            var authorized = t.authorize("q1", ada, "20").orElseThrow();
            assertThat(authorized.held()).isEqualTo(Credits.of(20));
            assertThat(authorized.available()).isEqualTo(Credits.of(80));
            assertThat(t.balance(ada).held()).isEqualTo(Credits.of(20));

            var settled = ledger.settle(t.tenant, new RequestId("q1"), credits("7.125"), FEATURE).orElseThrow();

            assertThat(settled.remaining()).isEqualTo(credits("92.875"));
            var balance = t.balance(ada);
            assertThat(balance.held()).isEqualTo(Credits.ZERO);
            assertThat(balance.consumed()).isEqualTo(credits("7.125"));
            assertThat(balance.available()).isEqualTo(credits("92.875"));
            t.assertReconciles();
        }

        @Test
        void without_an_estimate_the_hold_is_the_features_default() {
            assertThat(t.authorize("q1", ada, null).orElseThrow().held()).isEqualTo(Credits.of(5)); // canvas
            var other = ledger.authorize(t.tenant, new RequestId("q2"), ada, "summaries", null, FEATURE).orElseThrow();
            assertThat(other.held()).isEqualTo(Credits.of(1)); // the default
        }

        @Test
        void with_12_available_a_request_costing_17_completes_and_leaves_minus_5() {
            t.charged(ada, "88");
            assertThat(t.balance(ada).available()).isEqualTo(Credits.of(12));

            assertThat(t.authorize("big", ada, null)).isInstanceOf(Outcome.Done.class);
            var settled = ledger.settle(t.tenant, new RequestId("big"), Credits.of(17), FEATURE).orElseThrow();

            assertThat(settled.remaining()).isEqualTo(Credits.of(-5));
            var balance = t.balance(ada);
            assertThat(balance.remaining()).isEqualTo(Credits.of(-5));
            assertThat(balance.canStart()).isFalse();
            var row = ledger.row(t.tenant, ada).orElseThrow();
            assertThat(row.usedPercent()).isEqualByComparingTo("105");
            assertThat(t.summary().totalAvailable()).isEqualTo(Credits.of(895));
            t.assertReconciles();
        }

        @Test
        void a_user_with_nothing_available_cannot_start_a_request() {
            t.charged(ada, "100");

            var refusal = refused(t.authorize("q", ada, null));
            assertThat(refusal.reason()).isEqualTo(Refusal.CREDITS_EXHAUSTED);
            assertThat(refusal.limit()).isEqualTo(Credits.ZERO);
            assertThat(refused(ledger.charge(t.tenant, new RequestId("c"), ada, "canvas", Credits.of(1), FEATURE)).reason())
                    .isEqualTo(Refusal.CREDITS_EXHAUSTED);
            assertThat(ledger.request(t.tenant, new RequestId("q"))).isEmpty();
        }

        @Test
        void credits_held_by_running_requests_count_against_what_is_available() {
            t.authorize("a", ada, "60");
            t.authorize("b", ada, "40");

            assertThat(refused(t.authorize("c", ada, "1")).reason()).isEqualTo(Refusal.CREDITS_EXHAUSTED);
        }

        @Test
        void a_user_with_as_many_open_requests_as_the_tenant_allows_must_wait() {
            for (int i = 0; i < 4; i++) {
                assertThat(t.authorize("q" + i, ada, "1")).isInstanceOf(Outcome.Done.class);
            }
            assertThat(refused(t.authorize("q4", ada, "1")).reason()).isEqualTo(Refusal.TOO_MANY_IN_FLIGHT);

            ledger.voidRequest(t.tenant, new RequestId("q0"), FEATURE);
            assertThat(t.authorize("q4", ada, "1")).isInstanceOf(Outcome.Done.class);
        }

        @Test
        void a_user_without_an_allocation_or_deactivated_is_refused_with_the_reason() {
            var bob = t.user("Bob");
            assertThat(refused(t.authorize("b1", bob, null)).reason()).isEqualTo(Refusal.NO_ALLOCATION);
            assertThat(refused(t.authorize("b2", UserId.random(), null)).reason()).isEqualTo(Refusal.NOT_FOUND);
            directory.change(t.tenant, ada, new UserChange(null, null, false));
            assertThat(refused(t.authorize("a1", ada, null)).reason()).isEqualTo(Refusal.USER_INACTIVE);
        }

        @Test
        void voiding_releases_the_hold_and_consumes_nothing() {
            t.authorize("q", ada, "30");

            assertThat(ledger.voidRequest(t.tenant, new RequestId("q"), FEATURE)).isEqualTo(Outcome.done(new Voided(new RequestId("q"), false)));
            assertThat(ledger.voidRequest(t.tenant, new RequestId("q"), FEATURE)).isEqualTo(Outcome.done(new Voided(new RequestId("q"), true)));
            var balance = t.balance(ada);
            assertThat(balance.held()).isEqualTo(Credits.ZERO);
            assertThat(balance.consumed()).isEqualTo(Credits.ZERO);
            assertThat(refused(ledger.settle(t.tenant, new RequestId("q"), Credits.of(1), FEATURE)).reason())
                    .isEqualTo(Refusal.ALREADY_VOIDED);
            t.assertReconciles();
        }

        @Test
        void a_settled_request_cannot_be_voided_and_a_repeated_settle_returns_the_first_result() {
            t.authorize("q", ada, "30");
            ledger.settle(t.tenant, new RequestId("q"), Credits.of(12), FEATURE);

            var again = ledger.settle(t.tenant, new RequestId("q"), Credits.of(99), FEATURE).orElseThrow();
            assertThat(again).isEqualTo(new Settled(new RequestId("q"), Credits.of(12), Credits.of(88), true));
            assertThat(refused(ledger.voidRequest(t.tenant, new RequestId("q"), FEATURE)).reason())
                    .isEqualTo(Refusal.ALREADY_SETTLED);
            assertThat(t.balance(ada).consumed()).isEqualTo(Credits.of(12));
        }

        @Test
        void a_repeated_authorization_returns_the_first_hold_and_never_holds_twice() {
            var first = t.authorize("q", ada, "30").orElseThrow();
            var again = t.authorize("q", ada, "30").orElseThrow();

            assertThat(again.replayed()).isTrue();
            assertThat(again.held()).isEqualTo(first.held());
            assertThat(again.expiresAt()).isEqualTo(first.expiresAt());
            assertThat(t.balance(ada).held()).isEqualTo(Credits.of(30));
            var bob = t.user("Bob");
            t.assigned(bob, "10");
            assertThat(refused(t.authorize("q", bob, "1")).reason()).isEqualTo(Refusal.REQUEST_ID_REUSED);
        }

        @Test
        void a_repeated_charge_is_charged_once() {
            var first = ledger.charge(t.tenant, new RequestId("c"), ada, "canvas", Credits.of(3), FEATURE);
            var again = ledger.charge(t.tenant, new RequestId("c"), ada, "canvas", Credits.of(3), FEATURE);

            assertThat(first).isEqualTo(Outcome.done(new Settled(new RequestId("c"), Credits.of(3), Credits.of(97), false)));
            assertThat(again).isEqualTo(Outcome.done(new Settled(new RequestId("c"), Credits.of(3), Credits.of(97), true)));
            assertThat(t.balance(ada).consumed()).isEqualTo(Credits.of(3));
            assertThat(refused(t.authorize("c", ada, null)).reason()).isEqualTo(Refusal.REQUEST_ID_REUSED);
        }

        @Test
        void a_hold_not_settled_within_its_time_to_live_is_released_and_a_late_settle_records_the_cost_once() {
            t.authorize("slow", ada, "40");
            clock.advance(Duration.ofMinutes(14));
            ledger.expireHolds(); // the count is of every tenant's holds, which other tests' moves of the clock may have made due
            assertThat(ledger.request(t.tenant, new RequestId("slow")).orElseThrow().status()).isEqualTo(Status.AUTHORIZED);
            assertThat(t.balance(ada).held()).isEqualTo(Credits.of(40));
            clock.advance(Duration.ofMinutes(2));

            assertThat(ledger.expireHolds()).isGreaterThanOrEqualTo(1);
            assertThat(t.balance(ada).held()).isEqualTo(Credits.ZERO);
            assertThat(ledger.request(t.tenant, new RequestId("slow")).orElseThrow().status()).isEqualTo(Status.EXPIRED);

            var late = ledger.settle(t.tenant, new RequestId("slow"), Credits.of(25), FEATURE).orElseThrow();
            assertThat(late.remaining()).isEqualTo(Credits.of(75));
            assertThat(ledger.settle(t.tenant, new RequestId("slow"), Credits.of(25), FEATURE).orElseThrow().replayed()).isTrue();
            assertThat(t.balance(ada).consumed()).isEqualTo(Credits.of(25));
            assertThat(ledger.entries(t.tenant, ada, null, 0, 10).items()).extracting(Entry::type)
                    .startsWith(EntryType.SETTLE, EntryType.EXPIRE, EntryType.AUTHORIZE);
            t.assertReconciles();
        }

        @Test
        void a_request_id_of_another_tenant_is_not_found() {
            t.authorize("shared-id", ada, "1");
            var other = new LedgerFixture(ledger, directory);

            assertThat(refused(ledger.settle(other.tenant, new RequestId("shared-id"), Credits.of(1), FEATURE)).reason())
                    .isEqualTo(Refusal.NOT_FOUND);
            assertThat(refused(ledger.voidRequest(other.tenant, new RequestId("shared-id"), FEATURE)).reason())
                    .isEqualTo(Refusal.NOT_FOUND);
            assertThat(ledger.request(other.tenant, new RequestId("shared-id"))).isEmpty();
            assertThat(t.balance(ada).held()).isEqualTo(Credits.of(1));
        }

        @Test
        void a_malformed_request_id_feature_or_cost_is_refused() {
            assertThat(refused(ledger.authorize(t.tenant, new RequestId(" "), ada, "canvas", null, FEATURE)).reason())
                    .isEqualTo(Refusal.VALIDATION_FAILED);
            assertThat(refused(ledger.authorize(t.tenant, new RequestId("x".repeat(129)), ada, "canvas", null, FEATURE)).reason())
                    .isEqualTo(Refusal.VALIDATION_FAILED);
            assertThat(refused(ledger.authorize(t.tenant, new RequestId("ok"), ada, "", null, FEATURE)).reason())
                    .isEqualTo(Refusal.VALIDATION_FAILED);
            assertThat(refused(ledger.authorize(t.tenant, new RequestId("ok"), ada, "canvas", Credits.ZERO, FEATURE)).reason())
                    .isEqualTo(Refusal.INVALID_AMOUNT);
            assertThat(refused(ledger.charge(t.tenant, new RequestId("ok"), ada, "canvas", Credits.of(-1), FEATURE)).reason())
                    .isEqualTo(Refusal.INVALID_AMOUNT);
            assertThat(ledger.entries(t.tenant, ada, null, 0, 10).total()).isEqualTo(1); // just the assignment
        }

        @Test
        void a_settle_of_zero_cost_releases_the_hold_and_consumes_nothing() {
            t.authorize("free", ada, "10");
            assertThat(ledger.settle(t.tenant, new RequestId("free"), Credits.ZERO, FEATURE).orElseThrow().remaining())
                    .isEqualTo(Credits.of(100));
            assertThat(t.balance(ada).held()).isEqualTo(Credits.ZERO);
        }
    }
}

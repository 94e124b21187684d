package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.ADMIN;
import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aicredits.TestApplication;
import com.aicredits.TestClock;
import com.aicredits.directory.Directory;
import com.aicredits.directory.Role;
import com.aicredits.directory.UserChange;
import com.aicredits.ledger.RequestState.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

@TestApplication
class LedgerTest {

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired TestClock clock;
    @Autowired JdbcClient jdbc;

    LedgerFixture t;

    @BeforeEach
    void newTenant() {
        t = new LedgerFixture(ledger, directory);
    }

    private static Refused refused(Object result) {
        assertThat(result).isInstanceOf(Refused.class);
        return (Refused) result;
    }

    @Nested
    class Purchasing {

        @Test
        void a_purchase_enters_the_pool_unassigned() {
            var result = ledger.purchase(t.tenant, credits("1000"), "PO-1", "yearly plan", new Actor("platform"), "k1");

            var purchase = result.orElseThrow().purchase();
            assertThat(purchase.credits()).isEqualTo(Credits.of(1000));
            assertThat(purchase.reference()).isEqualTo("PO-1");
            assertThat(t.summary().totalPurchased()).isEqualTo(Credits.of(1000));
            assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(1000));
            assertThat(ledger.purchases(t.tenant)).extracting(Purchase::reference, Purchase::note, Purchase::actor)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("PO-1", "yearly plan", "platform"));
            t.assertReconciles();
        }

        @Test
        void a_purchase_of_zero_or_less_or_without_a_reference_is_refused_and_changes_nothing() {
            assertThat(refused(ledger.purchase(t.tenant, Credits.ZERO, "PO", null, ADMIN, null)).reason())
                    .isEqualTo(Refusal.INVALID_AMOUNT);
            assertThat(refused(ledger.purchase(t.tenant, Credits.of(-5), "PO", null, ADMIN, null)).reason())
                    .isEqualTo(Refusal.INVALID_AMOUNT);
            assertThat(refused(ledger.purchase(t.tenant, Credits.MAX_ENTERED.plus(new Credits(1)), "PO", null, ADMIN, null)).reason())
                    .isEqualTo(Refusal.INVALID_AMOUNT);
            assertThat(refused(ledger.purchase(t.tenant, Credits.of(5), " ", null, ADMIN, null)).reason())
                    .isEqualTo(Refusal.VALIDATION_FAILED);
            assertThat(t.summary().totalPurchased()).isEqualTo(Credits.ZERO);
            assertThat(ledger.entries(t.tenant, null, null, 0, 50).total()).isZero();
        }

        @Test
        void a_purchase_for_an_unknown_tenant_is_refused_as_not_found() {
            assertThat(refused(ledger.purchase(TenantId.random(), Credits.of(5), "PO", null, ADMIN, null)).reason())
                    .isEqualTo(Refusal.NOT_FOUND);
        }

        @Test
        void a_repeated_purchase_with_the_same_idempotency_key_is_recorded_once() {
            ledger.purchase(t.tenant, Credits.of(100), "PO-7", null, ADMIN, "purchase-7");
            var again = ledger.purchase(t.tenant, Credits.of(100), "PO-7", null, ADMIN, "purchase-7");

            assertThat(again.orElseThrow().replayed()).isTrue();
            assertThat(t.summary().totalPurchased()).isEqualTo(Credits.of(100));
            assertThat(refused(ledger.purchase(t.tenant, Credits.of(999), "PO-7", null, ADMIN, "purchase-7")).reason())
                    .isEqualTo(Refusal.IDEMPOTENCY_KEY_REUSED);
        }
    }

    @Nested
    class Assigning {

        @Test
        void assigning_moves_credits_from_the_pool_to_the_user_and_keeps_the_note() {
            var ada = t.user("Ada");
            t.purchased("1000");

            var result = ledger.assign(t.tenant, ada, Credits.of(100), "pilot for Q3", ADMIN, "assign-ada");

            var row = result.orElseThrow().row();
            assertThat(row.assigned()).isEqualTo(Credits.of(100));
            assertThat(row.remaining()).isEqualTo(Credits.of(100));
            assertThat(row.active()).isTrue();
            assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(900));
            assertThat(t.summary().usersWithCredits()).isEqualTo(1);
            var entry = ledger.entries(t.tenant, ada, null, 0, 10).items().getFirst();
            assertThat(entry.type()).isEqualTo(EntryType.ASSIGN);
            assertThat(entry.note()).isEqualTo("pilot for Q3");
            assertThat(entry.actor()).isEqualTo(ADMIN.name());
            assertThat(entry.idempotencyKey()).isEqualTo("assign-ada");
            assertThat(entry.remainingBefore()).isEqualTo(Credits.ZERO);
            assertThat(entry.remainingAfter()).isEqualTo(Credits.of(100));
            assertThat(entry.unassignedBefore()).isEqualTo(Credits.of(1000));
            assertThat(entry.unassignedAfter()).isEqualTo(Credits.of(900));
            t.assertReconciles();
        }

        @Test
        void assigning_to_a_user_who_already_has_credits_is_refused_so_the_admin_adds_instead() {
            var ada = t.user("Ada");
            t.purchased("1000").assigned(ada, "100");

            assertThat(refused(ledger.assign(t.tenant, ada, Credits.of(5), null, ADMIN, null)).reason())
                    .isEqualTo(Refusal.ALREADY_ASSIGNED);
            assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(900));
        }

        @Test
        void assigning_more_than_the_unassigned_pool_is_refused_with_how_much_is_unassigned() {
            var ada = t.user("Ada");
            t.purchased("50.5");

            var refusal = refused(ledger.assign(t.tenant, ada, credits("50.501"), null, ADMIN, null));

            assertThat(refusal.reason()).isEqualTo(Refusal.INSUFFICIENT_UNASSIGNED);
            assertThat(refusal.limit()).isEqualTo(credits("50.5"));
            assertThat(refusal.message()).contains("50.5");
            assertThat(ledger.row(t.tenant, ada)).isEmpty();
            assertThat(t.summary().creditsUnassigned()).isEqualTo(credits("50.5"));
            t.assertReconciles();
        }

        @Test
        void assigning_to_an_unknown_user_or_a_user_of_another_tenant_is_refused_as_not_found() {
            var other = new LedgerFixture(ledger, directory);
            var stranger = other.user("Stranger");
            t.purchased("100");

            assertThat(refused(ledger.assign(t.tenant, stranger, Credits.of(5), null, ADMIN, null)).reason())
                    .isEqualTo(Refusal.NOT_FOUND);
            assertThat(refused(ledger.assign(t.tenant, UserId.random(), Credits.of(5), null, ADMIN, null)).reason())
                    .isEqualTo(Refusal.NOT_FOUND);
            assertThat(other.ledger.row(other.tenant, stranger)).isEmpty();
            assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(100));
        }

        @Test
        void a_deactivated_user_gets_no_new_credits() {
            var ada = t.user("Ada");
            t.purchased("100");
            directory.change(t.tenant, ada, new UserChange(null, null, false));

            assertThat(refused(ledger.assign(t.tenant, ada, Credits.of(5), null, ADMIN, null)).reason())
                    .isEqualTo(Refusal.USER_INACTIVE);
        }

        @Test
        void a_note_longer_than_500_characters_is_refused() {
            var ada = t.user("Ada");
            t.purchased("100");

            assertThat(refused(ledger.assign(t.tenant, ada, Credits.of(5), "x".repeat(501), ADMIN, null)).reason())
                    .isEqualTo(Refusal.VALIDATION_FAILED);
            assertThat(ledger.assign(t.tenant, ada, Credits.of(5), "x".repeat(500), ADMIN, null)).isInstanceOf(Outcome.Done.class);
        }

        @Test
        void adding_needs_an_active_allocation_and_draws_on_the_pool() {
            var ada = t.user("Ada");
            t.purchased("100");

            assertThat(refused(ledger.add(t.tenant, ada, Credits.of(5), null, ADMIN, null)).reason())
                    .isEqualTo(Refusal.NO_ALLOCATION);
            t.assigned(ada, "60");
            assertThat(refused(ledger.add(t.tenant, ada, Credits.of(41), null, ADMIN, null)).limit()).isEqualTo(Credits.of(40));
            var row = ledger.add(t.tenant, ada, Credits.of(40), "more", ADMIN, null).orElseThrow().row();
            assertThat(row.assigned()).isEqualTo(Credits.of(100));
            assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.ZERO);
            t.assertReconciles();
        }

        @Test
        void a_repeated_assignment_with_the_same_key_changes_nothing_and_a_different_body_is_refused() {
            var ada = t.user("Ada");
            t.purchased("100");
            ledger.assign(t.tenant, ada, Credits.of(10), "n", ADMIN, "same-key");

            var replay = ledger.assign(t.tenant, ada, Credits.of(10), "n", ADMIN, "same-key").orElseThrow();
            assertThat(replay.replayed()).isTrue();
            assertThat(replay.row().assigned()).isEqualTo(Credits.of(10));
            assertThat(refused(ledger.add(t.tenant, ada, Credits.of(10), "n", ADMIN, "same-key")).reason())
                    .isEqualTo(Refusal.IDEMPOTENCY_KEY_REUSED);
            assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(90));
        }
    }

    @Nested
    class Removing {

        @Test
        void removing_returns_unused_credits_to_the_pool() {
            var ada = t.user("Ada");
            t.purchased("100").assigned(ada, "60");
            t.charged(ada, "10");

            var row = ledger.remove(t.tenant, ada, Credits.of(20), "rebalance", ADMIN, null).orElseThrow().row();

            assertThat(row.assigned()).isEqualTo(Credits.of(40));
            assertThat(row.remaining()).isEqualTo(Credits.of(30));
            assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(60));
            t.assertReconciles();
        }

        @Test
        void removing_more_than_the_unused_credits_is_refused_with_how_much_is_removable() {
            var ada = t.user("Ada");
            t.purchased("100").assigned(ada, "60");
            t.charged(ada, "10");
            t.authorize("r1", ada, "15");

            var refusal = refused(ledger.remove(t.tenant, ada, credits("35.001"), null, ADMIN, null));

            assertThat(refusal.reason()).isEqualTo(Refusal.EXCEEDS_REMOVABLE);
            assertThat(refusal.limit()).isEqualTo(Credits.of(35)); // 50 remaining - 15 held
            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(50));
            t.assertReconciles();
        }

        @Test
        void nothing_is_removable_from_a_user_below_zero() {
            var ada = t.user("Ada");
            t.purchased("100").assigned(ada, "10");
            t.charged(ada, "15");

            var refusal = refused(ledger.remove(t.tenant, ada, new Credits(1), null, ADMIN, null));
            assertThat(refusal.reason()).isEqualTo(Refusal.EXCEEDS_REMOVABLE);
            assertThat(refusal.limit()).isEqualTo(Credits.ZERO);
        }

        @Test
        void removing_everything_unused_closes_the_allocation_and_the_user_leaves_the_table() {
            var ada = t.user("Ada");
            var bob = t.user("Bob");
            t.purchased("1000").assigned(ada, "100");
            t.assigned(bob, "100");
            t.charged(ada, "30");

            var row = ledger.remove(t.tenant, ada, Credits.of(70), null, ADMIN, null).orElseThrow().row();

            assertThat(row.active()).isFalse();
            assertThat(row.remaining()).isEqualTo(Credits.ZERO);
            assertThat(ledger.rows(t.tenant, RowQuery.firstPage()).items()).extracting(AccountRow::name).containsExactly("Bob");
            var summary = t.summary();
            assertThat(summary.usersWithCredits()).isEqualTo(1);
            assertThat(summary.totalUtilized()).isEqualTo(Credits.of(30)); // consumption history stays in the totals
            assertThat(summary.creditsUnassigned()).isEqualTo(Credits.of(870));
            assertThat(ledger.assignableUsers(t.tenant)).extracting(AssignableUser::name).containsExactly("Ada");
            assertThat(refused(ledger.authorize(t.tenant, new RequestId("after-close"), ada, "canvas", null, FEATURE)).reason())
                    .isEqualTo(Refusal.NO_ALLOCATION);
            t.assertReconciles();
        }

        @Test
        void a_later_assignment_reopens_the_same_account_with_its_history() {
            var ada = t.user("Ada");
            t.purchased("1000").assigned(ada, "100");
            t.charged(ada, "30");
            ledger.remove(t.tenant, ada, Credits.of(70), null, ADMIN, null);

            var row = t.assigned(ada, "50");

            // The table and the balance show the allocation just opened (issue 11, bug 4); the lifetime
            // figures (100 assigned, 30 consumed, 70 removed) are the history's.
            assertThat(row.assigned()).isEqualTo(Credits.of(50));
            assertThat(row.consumed()).isEqualTo(Credits.ZERO);
            assertThat(row.remaining()).isEqualTo(Credits.of(50));
            assertThat(t.balance(ada).assigned()).isEqualTo(Credits.of(50));
            assertThat(t.balance(ada).consumed()).isEqualTo(Credits.ZERO);
            assertThat(t.summary().totalUtilized()).isEqualTo(Credits.of(30));
            assertThat(ledger.entries(t.tenant, ada, null, 0, 10).items()).extracting(Entry::type)
                    .containsExactly(EntryType.ASSIGN, EntryType.REMOVE, EntryType.CHARGE, EntryType.ASSIGN);
            t.assertReconciles();
        }
    }

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
            assertThat(ledger.expireHolds()).isZero();
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

    @Nested
    class Reading {

        @Test
        void with_nothing_purchased_every_card_is_zero_and_percentages_are_zero() {
            t.user("Ada");
            var summary = t.summary();
            assertThat(summary.totalPurchased()).isEqualTo(Credits.ZERO);
            assertThat(summary.utilizedPercent()).isEqualByComparingTo(BigDecimal.ZERO);
            assertThat(summary.availablePercent()).isEqualByComparingTo(BigDecimal.ZERO);
            assertThat(summary.totalUsers()).isEqualTo(1);
            assertThat(summary.usersWithCredits()).isZero();
        }

        @Test
        void the_five_cards_follow_purchases_assignments_and_consumption() {
            var ada = t.user("Ada");
            var bob = t.user("Bob");
            t.user("Cy");
            t.purchased("1000").assigned(ada, "100");
            t.assigned(bob, "50");
            t.charged(ada, "30");
            t.charged(bob, "12.5");

            assertThat(t.summary()).isEqualTo(new Summary(Credits.of(1000), credits("42.5"), new BigDecimal("4.3"),
                    credits("957.5"), new BigDecimal("95.8"), 2, 3, Credits.of(850)));
        }

        @Test
        void the_table_searches_filters_sorts_and_pages() {
            t.purchased("10000");
            var ada = t.user("Ada Lovelace", Role.Admin);
            var alan = t.user("Alan Turing", Role.Planner);
            var grace = t.user("Grace Hopper", Role.Viewer);
            var ken = t.user("Ken Thompson", Role.Planner);
            t.assigned(ada, "100");
            t.assigned(alan, "100");
            t.assigned(grace, "100");
            t.assigned(ken, "100");
            t.charged(alan, "85");   // low: 15 left
            t.charged(grace, "100"); // exhausted: 0 left
            t.charged(ken, "60");
            t.authorize("k", ken, "1");
            ledger.settle(t.tenant, new RequestId("k"), Credits.of(50), FEATURE); // negative: -10

            assertThat(names(query("turing", null, null, RowQuery.SortBy.NAME, false))).containsExactly("Alan Turing");
            assertThat(names(query("HOPPER", null, null, RowQuery.SortBy.NAME, false))).containsExactly("Grace Hopper");
            assertThat(names(query("ken.thompson@", null, null, RowQuery.SortBy.NAME, false))).containsExactly("Ken Thompson");
            assertThat(names(query("%", null, null, RowQuery.SortBy.NAME, false))).isEmpty();
            assertThat(names(query(null, Role.Planner, null, RowQuery.SortBy.NAME, false)))
                    .containsExactly("Alan Turing", "Ken Thompson");
            assertThat(names(query(null, null, RowQuery.UserState.LOW, RowQuery.SortBy.NAME, false))).containsExactly("Alan Turing");
            assertThat(names(query(null, null, RowQuery.UserState.EXHAUSTED, RowQuery.SortBy.NAME, false)))
                    .containsExactly("Grace Hopper", "Ken Thompson");
            assertThat(names(query(null, null, RowQuery.UserState.NEGATIVE, RowQuery.SortBy.NAME, false))).containsExactly("Ken Thompson");
            assertThat(names(query(null, null, null, RowQuery.SortBy.REMAINING, false)))
                    .containsExactly("Ken Thompson", "Grace Hopper", "Alan Turing", "Ada Lovelace");
            assertThat(names(query(null, null, null, RowQuery.SortBy.USED_PERCENT, true)))
                    .containsExactly("Ken Thompson", "Grace Hopper", "Alan Turing", "Ada Lovelace");
            assertThat(names(query(null, null, null, RowQuery.SortBy.EMAIL, true)))
                    .containsExactly("Ken Thompson", "Grace Hopper", "Alan Turing", "Ada Lovelace");
            assertThat(names(query(null, null, null, RowQuery.SortBy.ROLE, false)))
                    .containsExactly("Ada Lovelace", "Alan Turing", "Ken Thompson", "Grace Hopper");
            assertThat(names(query(null, null, null, RowQuery.SortBy.CONSUMED, false)))
                    .containsExactly("Ada Lovelace", "Alan Turing", "Grace Hopper", "Ken Thompson");

            var page1 = ledger.rows(t.tenant, new RowQuery(null, null, null, RowQuery.SortBy.NAME, false, 1, 3));
            assertThat(page1.total()).isEqualTo(4);
            assertThat(names(page1)).containsExactly("Ken Thompson");
            var kenRow = ledger.row(t.tenant, ken).orElseThrow();
            assertThat(kenRow.remaining()).isEqualTo(Credits.of(-10));
            assertThat(kenRow.usedPercent()).isEqualByComparingTo("110");
        }

        @Test
        void the_table_never_shows_another_tenants_users() {
            var other = new LedgerFixture(ledger, directory);
            var stranger = other.user("Stranger Danger");
            other.purchased("100").assigned(stranger, "10");
            t.purchased("100").assigned(t.user("Local"), "10");

            assertThat(names(ledger.rows(t.tenant, RowQuery.firstPage()))).containsExactly("Local");
            assertThat(names(query("stranger", null, null, RowQuery.SortBy.NAME, false))).isEmpty();
            assertThat(ledger.entries(t.tenant, stranger, null, 0, 10).items()).isEmpty();
            assertThat(ledger.balance(t.tenant, stranger)).isEmpty();
        }

        @Test
        void the_user_history_is_newest_first_with_the_balance_after_each_entry() {
            var ada = t.user("Ada");
            t.purchased("100").assigned(ada, "50");
            t.charged(ada, "20");
            ledger.remove(t.tenant, ada, Credits.of(10), "back to pool", ADMIN, null);

            assertThat(ledger.entries(t.tenant, ada, null, 0, 10).items())
                    .extracting(Entry::type, Entry::credits, Entry::remainingAfter, Entry::note)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(EntryType.REMOVE, Credits.of(10), Credits.of(20), "back to pool"),
                            org.assertj.core.groups.Tuple.tuple(EntryType.CHARGE, Credits.of(20), Credits.of(30), null),
                            org.assertj.core.groups.Tuple.tuple(EntryType.ASSIGN, Credits.of(50), Credits.of(50), null));
            assertThat(ledger.entries(t.tenant, null, EntryType.PURCHASE, 0, 10).total()).isEqualTo(1);
        }

        @Test
        void the_assign_dialog_offers_active_users_without_an_active_allocation() {
            var ada = t.user("Ada");
            t.user("Bob");
            var cy = t.user("Cy");
            t.purchased("100").assigned(ada, "10");
            directory.change(t.tenant, cy, new UserChange(null, null, false));

            assertThat(ledger.assignableUsers(t.tenant)).extracting(AssignableUser::name).containsExactly("Bob");
        }

        @Test
        void a_registered_user_never_allocated_has_a_zero_balance_and_cannot_start() {
            var bob = t.user("Bob");
            assertThat(t.balance(bob)).isEqualTo(Balance.NONE);
            assertThat(ledger.balance(t.tenant, UserId.random())).isEmpty();
        }

        private Page<AccountRow> query(String search, Role role, RowQuery.UserState state, RowQuery.SortBy sort, boolean desc) {
            return ledger.rows(t.tenant, new RowQuery(search, role, state, sort, desc, 0, 50));
        }

        private java.util.List<String> names(Page<AccountRow> page) {
            return page.items().stream().map(AccountRow::name).toList();
        }
    }

    @Nested
    class Auditing {

        @Test
        void ledger_entries_cannot_be_changed_or_deleted() {
            t.purchased("5");
            assertThatThrownBy(() -> jdbc.sql("update ledger_entries set credits = 1 where tenant_id = ?")
                    .param(t.tenant.value()).update()).hasMessageContaining("append-only");
            assertThatThrownBy(() -> jdbc.sql("delete from ledger_entries where tenant_id = ?")
                    .param(t.tenant.value()).update()).hasMessageContaining("append-only");
        }

        @Test
        void reconciliation_reports_a_balance_that_no_longer_matches_its_entries() {
            var ada = t.user("Ada");
            t.purchased("100").assigned(ada, "50");
            t.assertReconciles();

            jdbc.sql("update accounts set consumed = consumed + 1 where tenant_id = ?").param(t.tenant.value()).update();
            jdbc.sql("update pools set purchased = purchased + 1 where tenant_id = ?").param(t.tenant.value()).update();

            var report = ledger.reconcile(t.tenant);
            assertThat(report.isClean()).isFalse();
            assertThat(report.drifts()).hasSize(2)
                    .anySatisfy(d -> assertThat(d).startsWith("pool " + t.tenant))
                    .anySatisfy(d -> assertThat(d).startsWith("account " + t.tenant + "/" + ada));
        }

        @Test
        void the_summary_cards_running_totals_follow_every_change_and_reconciliation_checks_them() {
            var ada = t.user("Ada");
            var bob = t.user("Bob");
            t.purchased("100").assigned(ada, "50");
            t.assigned(bob, "10");
            t.charged(ada, "7");
            var summary = ledger.summary(t.tenant).orElseThrow();
            assertThat(summary.totalUtilized()).isEqualTo(Credits.of(7));
            assertThat(summary.usersWithCredits()).isEqualTo(2);
            t.assertReconciles();

            // A writer that bypasses the triggers' arithmetic (here: an edit of the totals) is a drift.
            jdbc.sql("update tenant_totals set consumed = consumed + 1 where tenant_id = ? and slot = 0")
                    .param(t.tenant.value()).update();
            assertThat(ledger.reconcile(t.tenant).drifts()).singleElement().asString()
                    .startsWith("totals " + t.tenant).contains("kept consumed=7001", "counted consumed=7000");
        }

        @Test
        void accounts_and_users_are_never_deleted() {
            var ada = t.user("Ada");
            t.purchased("100").assigned(ada, "50");
            assertThatThrownBy(() -> jdbc.sql("delete from accounts where tenant_id = ?").param(t.tenant.value()).update())
                    .hasMessageContaining("never deleted");
            assertThatThrownBy(() -> jdbc.sql("delete from users where tenant_id = ?").param(t.tenant.value()).update())
                    .hasMessageContaining("never deleted");
        }
    }
}

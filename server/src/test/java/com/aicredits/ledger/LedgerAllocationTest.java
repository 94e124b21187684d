package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.ADMIN;
import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.UserChange;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Filling the pool and sharing it out: purchases, assignments, adds and removals, each rule one test. */
@TestApplication
class LedgerAllocationTest extends LedgerTenantContext {

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
}

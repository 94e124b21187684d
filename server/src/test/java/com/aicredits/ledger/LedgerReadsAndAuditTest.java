package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.ADMIN;
import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aicredits.TestApplication;
import com.aicredits.directory.Role;
import com.aicredits.directory.UserChange;
import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import java.math.BigDecimal;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What the ledger shows and how it guards it: the summary cards, the table, a user's history and the assign
 * dialog; append-only entries, accounts never deleted, and reconciliation finding drift.
 */
@TestApplication
class LedgerReadsAndAuditTest extends LedgerTenantContext {

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
                    credits("957.5"), new BigDecimal("95.8"), 2, 2, 3, Credits.of(850)));
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

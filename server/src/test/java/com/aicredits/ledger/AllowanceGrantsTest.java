package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.directory.UserChange;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.Period;
import com.aicredits.settings.SettingsChange;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.UserId;
import java.time.ZoneId;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What a period's grant does, as SPEC part two defines it, on the embedded PostgreSQL, one tenant per test: RESET
 * pays a negative remaining from the new allowance and returns unused credits (not held ones) to the pool, TOP_UP
 * carries unused credits over up to the allowance, a short pool grants what it has and grant-current-period
 * completes it, and each user is granted once per period however often the job runs or the time zone changes.
 */
@TestApplication
class AllowanceGrantsTest extends AllowanceContext {

    @Autowired Directory directory;

    @Nested
    class Reset {

        @Test
        void a_negative_remaining_is_paid_from_the_new_allowance() {
            var ada = t.user("Ada");
            t.purchased("1000");
            set(ada, terms("12", Period.MONTHLY, AllowanceMode.RESET));
            t.charged(ada, "17");
            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(-5));

            nextPeriod(Period.MONTHLY);
            var totals = runJob();

            assertThat(totals.users()).isEqualTo(1);
            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(7));
            assertThat(entries(ada, EntryType.REMOVE)).isZero();
            t.assertReconciles();
        }

        @Test
        void minus_five_with_an_allowance_of_100_becomes_95() {
            var ada = t.user("Ada");
            t.purchased("1000").assigned(ada, "12");
            t.charged(ada, "17");

            set(ada, terms("100", Period.MONTHLY, AllowanceMode.RESET));

            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(95));
            assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(888));
            t.assertReconciles();
        }

        @Test
        void unused_credits_go_back_to_the_pool_as_a_remove_by_the_allowance_then_the_allowance_is_added() {
            var ada = t.user("Ada");
            t.purchased("1000");
            set(ada, terms("100", Period.MONTHLY, AllowanceMode.RESET));
            t.charged(ada, "30");

            nextPeriod(Period.MONTHLY);
            runJob();

            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(100));
            assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(870));
            var history = ledger.entries(t.tenant, ada, null, 0, 10).items();
            assertThat(history.get(0).type()).isEqualTo(EntryType.ALLOWANCE);
            assertThat(history.get(1).type()).isEqualTo(EntryType.REMOVE);
            assertThat(history.get(1).credits()).isEqualTo(Credits.of(70));
            assertThat(history.get(1).actor()).isEqualTo("allowance");
            assertThat(ledger.allowances().of(t.tenant, ada).orElseThrow().lastGrant().orElseThrow().returned()).isEqualTo(Credits.of(70));
            t.assertReconciles();
        }

        @Test
        void credits_held_by_a_running_request_stay_and_only_the_rest_goes_back() {
            var ada = t.user("Ada");
            t.purchased("1000");
            set(ada, terms("100", Period.MONTHLY, AllowanceMode.RESET));
            justBefore(Period.MONTHLY);
            assertThat(t.authorize("running", ada, "30")).isInstanceOf(Outcome.Done.class);

            nextPeriod(Period.MONTHLY);
            runJob();

            // 70 removable went back; 30 still held; then 100 granted: remaining 130, available 100
            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(130));
            assertThat(t.balance(ada).held()).isEqualTo(Credits.of(30));
            assertThat(t.balance(ada).available()).isEqualTo(Credits.of(100));
            assertThat(ledger.settle(t.tenant, new RequestId("running"), Credits.of(25), LedgerFixture.FEATURE))
                    .isInstanceOf(Outcome.Done.class);
            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(105));
            t.assertReconciles();
        }
    }

    @Nested
    class TopUp {

        @Test
        void unused_credits_carry_over_up_to_the_allowance() {
            var ada = t.user("Ada");
            t.purchased("1000");
            set(ada, terms("100", Period.WEEKLY, AllowanceMode.TOP_UP));
            t.charged(ada, "40");

            nextPeriod(Period.WEEKLY);
            runJob();

            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(100));
            assertThat(ledger.entries(t.tenant, ada, EntryType.ALLOWANCE, 0, 10).items().getFirst().credits()).isEqualTo(Credits.of(40));
            assertThat(entries(ada, EntryType.REMOVE)).isZero();
            t.assertReconciles();
        }

        @Test
        void a_user_above_the_allowance_gets_nothing_and_keeps_everything() {
            var ada = t.user("Ada");
            t.purchased("1000").assigned(ada, "250");

            var allowance = set(ada, terms("100", Period.MONTHLY, AllowanceMode.TOP_UP));

            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(250));
            assertThat(allowance.lastGrant().orElseThrow().granted()).isEqualTo(Credits.ZERO);
            assertThat(allowance.lastGrant().orElseThrow().shortfall()).isEqualTo(Credits.ZERO);
            assertThat(entries(ada, EntryType.ALLOWANCE)).isZero();
            t.assertReconciles();
        }
    }

    @Nested
    class Shortfall {

        @Test
        void a_short_pool_grants_what_it_has_records_the_shortfall_and_grant_current_period_completes_it_after_a_purchase() {
            var ada = t.user("Ada");
            var bob = t.user("Bob");
            t.purchased("150");
            var first = set(ada, terms("100", Period.MONTHLY, AllowanceMode.RESET));
            var second = set(bob, terms("100", Period.MONTHLY, AllowanceMode.RESET));

            assertThat(first.lastGrant().orElseThrow().shortfall()).isEqualTo(Credits.ZERO);
            assertThat(second.lastGrant().orElseThrow().granted()).isEqualTo(Credits.of(50));
            assertThat(second.lastGrant().orElseThrow().shortfall()).isEqualTo(Credits.of(50));
            assertThat(t.balance(bob).remaining()).isEqualTo(Credits.of(50));

            t.purchased("30");
            var partly = ledger.allowances().grantCurrentPeriod(t.tenant);
            assertThat(partly.granted()).isEqualTo(Credits.of(30));
            assertThat(partly.shortfall()).isEqualTo(Credits.of(20));
            t.purchased("500");
            var rest = ledger.allowances().grantCurrentPeriod(t.tenant);
            assertThat(rest.granted()).isEqualTo(Credits.of(20));
            assertThat(rest.shortfall()).isEqualTo(Credits.ZERO);
            var again = ledger.allowances().grantCurrentPeriod(t.tenant);
            assertThat(again.granted()).isEqualTo(Credits.ZERO);

            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(100));
            assertThat(t.balance(bob).remaining()).isEqualTo(Credits.of(100));
            assertThat(ledger.allowances().of(t.tenant, bob).orElseThrow().lastGrant().orElseThrow().shortfall()).isEqualTo(Credits.ZERO);
            t.assertReconciles();
        }

        /**
         * The shortfall a re-run answers is what is still owed to the users it would grant to: a deactivated user's
         * short grant is not completed (nor counted) until they are active again. Counted, it told an admin to buy
         * credits that the next re-run would still not grant.
         */
        @Test
        void the_shortfall_left_counts_only_the_short_grants_of_active_users() {
            var ada = t.user("Ada");
            var bob = t.user("Bob");
            t.purchased("150");
            set(ada, terms("100", Period.MONTHLY, AllowanceMode.RESET));
            set(bob, terms("100", Period.MONTHLY, AllowanceMode.RESET));
            active(bob, false); // his 50 go back to the pool; his grant stays 50 short

            var whileAway = ledger.allowances().grantCurrentPeriod(t.tenant);
            assertThat(whileAway.granted()).isEqualTo(Credits.ZERO);
            assertThat(whileAway.shortfall()).isEqualTo(Credits.ZERO);

            active(bob, true);
            var back = ledger.allowances().grantCurrentPeriod(t.tenant);
            assertThat(back.granted()).isEqualTo(Credits.of(50));
            assertThat(back.shortfall()).isEqualTo(Credits.ZERO);
            assertThat(ledger.allowances().of(t.tenant, bob).orElseThrow().lastGrant().orElseThrow().shortfall())
                    .isEqualTo(Credits.ZERO);
            t.assertReconciles();
        }

        private void active(UserId user, boolean active) {
            assertThat(directory.change(t.tenant, user, new UserChange(null, null, active))).isInstanceOf(Outcome.Done.class);
        }

        @Test
        void an_empty_pool_grants_nothing_and_opens_nothing_but_records_the_whole_allowance_as_short() {
            var ada = t.user("Ada");

            var allowance = set(ada, terms("100", Period.MONTHLY, AllowanceMode.RESET));

            assertThat(allowance.lastGrant().orElseThrow().shortfall()).isEqualTo(Credits.of(100));
            assertThat(t.balance(ada).active()).isFalse();
            assertThat(entries(ada, null)).isZero();
            t.purchased("100");
            assertThat(ledger.allowances().grantCurrentPeriod(t.tenant).granted()).isEqualTo(Credits.of(100));
            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(100));
            t.assertReconciles();
        }
    }

    @Nested
    class ExactlyOnce {

        @Test
        void the_job_grants_each_user_once_per_period_however_often_it_runs() {
            var ada = t.user("Ada");
            t.purchased("1000");
            set(ada, terms("10", Period.WEEKLY, AllowanceMode.TOP_UP));
            t.charged(ada, "10");

            nextPeriod(Period.WEEKLY);
            runJob();
            runJob();
            ledger.allowances().grantCurrentPeriod(t.tenant);

            assertThat(entries(ada, EntryType.ALLOWANCE)).isEqualTo(2);
            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(10));
            t.assertReconciles();
        }

        @Test
        void a_tenant_changing_its_time_zone_mid_period_is_not_granted_the_same_month_twice() {
            var ada = t.user("Ada");
            t.purchased("1000");
            set(ada, terms("10", Period.MONTHLY, AllowanceMode.RESET));

            // Whatever the zone, the month running now is the one granted, or (across the date line, at the end of a
            // month) the next one, whose grant then happens now instead of at UTC midnight.
            for (String zone : new String[] {"Pacific/Auckland", "America/New_York", "Europe/Berlin", "UTC"}) {
                assertThat(settings.change(t.tenant, new SettingsChange(zone, null, null, null, null)))
                        .isInstanceOf(Outcome.Done.class);
                runJob();
                var start = calendar.currentStart(Period.MONTHLY, ZoneId.of(zone));
                assertThat(jdbc.sql("select count(*) from allowance_grants where tenant_id = ? and user_id = ? and period_start = ?")
                        .params(t.tenant.value(), ada.value(), start).query(Long.class).single()).isEqualTo(1);
            }
            long months = jdbc.sql("select count(distinct period_start) from allowance_grants where tenant_id = ?")
                    .param(t.tenant.value()).query(Long.class).single();
            assertThat(entries(ada, EntryType.ALLOWANCE)).isEqualTo(months);
            assertThat(months).isBetween(1L, 2L);
            t.assertReconciles();
        }
    }
}

package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.Refused;
import com.aicredits.shared.Refusal;

import static com.aicredits.ledger.LedgerFixture.ADMIN;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.TestClock;
import com.aicredits.directory.Directory;
import com.aicredits.directory.Role;
import com.aicredits.shared.UserId;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Calendar;
import com.aicredits.settings.Period;
import com.aicredits.settings.SettingsChange;
import com.aicredits.shared.Outcome;
import com.aicredits.settings.TenantSettings;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Allowances as SPEC part two defines them, on the embedded PostgreSQL, one tenant per test. */
@TestApplication
class AllowancesTest {

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired TenantSettings settings;
    @Autowired Calendar calendar;
    @Autowired TestClock clock;
    @Autowired JdbcClient jdbc;
    @Autowired Allowances allowanceSteps;

    LedgerFixture t;

    @BeforeEach
    void newTenant() {
        t = new LedgerFixture(ledger, directory);
    }

    static AllowanceTerms terms(String credits, Period period, AllowanceMode mode) {
        return new AllowanceTerms(credits(credits), period, mode);
    }

    Allowance set(UserId user, AllowanceTerms terms) {
        return ledger.allowances().set(t.tenant, user, terms, null, ADMIN).orElseThrow();
    }

    /** Moves the shared test clock to just after the next start of {@code period} in the tenant's zone. */
    void nextPeriod(Period period) {
        var next = calendar.nextStart(period, settings.timeZone(t.tenant));
        clock.advance(Duration.between(clock.instant(), next).plusSeconds(1));
        sweepOthers();
    }

    /**
     * The test clock and the expiry sweep are shared by every test of the context: a jump of weeks leaves other
     * tests' open holds expired but unswept, and the next test to sweep would count them as its own. Sweep them now.
     */
    void sweepOthers() {
        ledger.expireHolds();
    }

    /** Moves the clock to a minute before the next start of {@code period}: a request authorized now is still settleable after it. */
    void justBefore(Period period) {
        var next = calendar.nextStart(period, settings.timeZone(t.tenant));
        clock.advance(Duration.between(clock.instant(), next).minusSeconds(60));
        sweepOthers();
    }

    GrantTotals runJob() {
        return ledger.allowances().grantDue(t.tenant, batch -> { });
    }

    long entries(UserId user, EntryType type) {
        return ledger.entries(t.tenant, user, type, 0, 100).total();
    }

    @Nested
    class Setting {

        @Test
        void setting_an_allowance_grants_the_current_period_at_once_and_opens_the_allocation() {
            var ada = t.user("Ada");
            t.purchased("1000");

            var allowance = set(ada, terms("100", Period.MONTHLY, AllowanceMode.RESET));

            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(100));
            assertThat(t.balance(ada).active()).isTrue();
            assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(900));
            var grant = allowance.lastGrant().orElseThrow();
            assertThat(grant.granted()).isEqualTo(Credits.of(100));
            assertThat(grant.shortfall()).isEqualTo(Credits.ZERO);
            assertThat(grant.period().start()).isEqualTo(calendar.currentStart(Period.MONTHLY, ZoneId.of("UTC")));
            var entry = ledger.entries(t.tenant, ada, null, 0, 10).items().getFirst();
            assertThat(entry.type()).isEqualTo(EntryType.ALLOWANCE);
            assertThat(entry.actor()).isEqualTo("allowance");
            assertThat(entry.note()).contains(grant.period().start().toString());
            assertThat(ledger.row(t.tenant, ada).orElseThrow().allowance())
                    .contains(terms("100", Period.MONTHLY, AllowanceMode.RESET));
            t.assertReconciles();
        }

        @Test
        void setting_it_again_in_the_same_period_does_not_grant_again_and_the_new_terms_apply_from_the_next() {
            var ada = t.user("Ada");
            t.purchased("1000");
            set(ada, terms("100", Period.MONTHLY, AllowanceMode.TOP_UP));

            set(ada, terms("300", Period.MONTHLY, AllowanceMode.TOP_UP));

            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(100));
            assertThat(entries(ada, EntryType.ALLOWANCE)).isEqualTo(1);
            nextPeriod(Period.MONTHLY);
            runJob();
            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(300));
            t.assertReconciles();
        }

        @Test
        void a_deactivated_or_unknown_user_and_a_bad_amount_or_note_are_refused_and_change_nothing() {
            var ada = t.user("Ada");
            t.purchased("1000");
            directory.change(t.tenant, ada, new com.aicredits.directory.UserChange(null, null, false));

            assertThat(((Refused<?>) ledger.allowances().set(t.tenant, ada, terms("10", Period.MONTHLY, AllowanceMode.RESET), null, ADMIN))
                    .reason()).isEqualTo(Refusal.USER_INACTIVE);
            assertThat(((Refused<?>) ledger.allowances().set(t.tenant, UserId.random(), terms("10", Period.MONTHLY, AllowanceMode.RESET), null, ADMIN))
                    .reason()).isEqualTo(Refusal.NOT_FOUND);
            assertThat(((Refused<?>) ledger.allowances().set(t.tenant, ada, new AllowanceTerms(Credits.ZERO, Period.MONTHLY, AllowanceMode.RESET), null, ADMIN))
                    .reason()).isEqualTo(Refusal.INVALID_AMOUNT);
            assertThat(((Refused<?>) ledger.allowances().set(t.tenant, ada, terms("10", Period.MONTHLY, AllowanceMode.RESET), "x".repeat(501), ADMIN))
                    .reason()).isEqualTo(Refusal.VALIDATION_FAILED);
            assertThat(ledger.allowances().of(t.tenant, ada)).isEmpty();
            assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(1000));
        }

        @Test
        void removing_an_allowance_stops_future_grants_and_keeps_what_was_granted() {
            var ada = t.user("Ada");
            t.purchased("1000");
            set(ada, terms("100", Period.WEEKLY, AllowanceMode.RESET));

            assertThat(ledger.allowances().remove(t.tenant, ada)).isTrue();
            nextPeriod(Period.WEEKLY);
            runJob();

            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(100));
            assertThat(entries(ada, EntryType.ALLOWANCE)).isEqualTo(1);
            assertThat(ledger.allowances().of(t.tenant, ada)).isEmpty();
            assertThat(ledger.allowances().remove(t.tenant, ada)).isFalse();
        }

        @Test
        void manual_assign_add_and_remove_keep_working_beside_an_allowance() {
            var ada = t.user("Ada");
            t.purchased("1000");
            set(ada, terms("100", Period.MONTHLY, AllowanceMode.TOP_UP));

            assertThat(ledger.add(t.tenant, ada, Credits.of(20), null, ADMIN, null)).isInstanceOf(Outcome.Done.class);
            assertThat(ledger.remove(t.tenant, ada, Credits.of(50), null, ADMIN, null)).isInstanceOf(Outcome.Done.class);

            assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(70));
            t.assertReconciles();
        }
    }

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

    @Nested
    class RoleDefaults {

        @Test
        void a_user_registered_with_a_role_that_has_a_default_gets_it_at_once() {
            t.purchased("1000");
            assertThat(settings.change(t.tenant, new SettingsChange(null, null, null, null,
                    Map.of(Role.Viewer, Optional.of(terms("25", Period.MONTHLY, AllowanceMode.RESET))))))
                    .isInstanceOf(Outcome.Done.class);

            var viewer = t.user("Vera", Role.Viewer);
            var planner = t.user("Pat", Role.Planner);

            assertThat(ledger.allowances().of(t.tenant, viewer).orElseThrow().terms()).isEqualTo(terms("25", Period.MONTHLY, AllowanceMode.RESET));
            assertThat(t.balance(viewer).remaining()).isEqualTo(Credits.of(25));
            assertThat(ledger.allowances().of(t.tenant, planner)).isEmpty();
            assertThat(t.balance(planner).active()).isFalse();
            t.assertReconciles();
        }

        @Test
        void a_default_stored_with_the_registration_but_not_yet_granted_is_granted_once_by_the_period_job() {
            t.purchased("1000");
            var vera = t.user("Vera", Role.Viewer);
            // What an instance dying between the registration's commit and the grant's leaves behind.
            allowanceSteps.store(t.tenant, vera, terms("25", Period.MONTHLY, AllowanceMode.RESET), "default", Allowances.ACTOR);
            assertThat(t.balance(vera).active()).isFalse();

            assertThat(ledger.allowances().grantDue(t.tenant, batch -> { }).users()).isEqualTo(1);
            assertThat(ledger.allowances().grantDue(t.tenant, batch -> { }).users()).isZero();
            allowanceSteps.grantCurrent(t.tenant, vera);

            assertThat(t.balance(vera).remaining()).isEqualTo(Credits.of(25));
            assertThat(entries(vera, EntryType.ALLOWANCE)).isEqualTo(1);
            t.assertReconciles();
        }
    }
}

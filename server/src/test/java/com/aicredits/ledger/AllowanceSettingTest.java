package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Role;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.settings.SettingsChange;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Setting an allowance as SPEC part two defines it, on the embedded PostgreSQL, one tenant per test: setting one
 * grants the current period at once, setting it again or removing it changes only later periods, refusals change
 * nothing, manual changes keep working beside it, and a role's default allowance reaches a new user once.
 */
@TestApplication
class AllowanceSettingTest extends AllowanceContext {

    @Autowired Allowances allowanceSteps;

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

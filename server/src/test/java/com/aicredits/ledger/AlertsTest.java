package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.Together;
import com.aicredits.directory.Directory;
import com.aicredits.directory.Role;
import com.aicredits.notifications.Notification;
import com.aicredits.notifications.Notifications;
import com.aicredits.settings.SettingsChange;
import com.aicredits.settings.TenantSettings;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Alerts fire once per crossing and re-arm when the figure rises back (SPEC part two, "Alerts and
 * notifications"), under real contention: 64 charges released at once around a threshold.
 */
@TestApplication
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AlertsTest {

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired Notifications notifications;
    @Autowired Alerts alerts;
    @Autowired AlertThresholds thresholds;
    @Autowired AlertSweep sweep;
    @Autowired TenantSettings settings;
    @Autowired JdbcClient jdbc;

    private List<Notification> told(LedgerFixture t, UserId user, String type) {
        return notifications.inbox(t.tenant, user, false).items().stream().filter(n -> n.type().equals(type)).toList();
    }

    @Test
    void sixty_four_concurrent_charges_across_the_thresholds_notify_exactly_once_each_and_an_add_rearms_them() throws Exception {
        var t = new LedgerFixture(ledger, directory).purchased("1000");
        var user = t.user("Ada Low");
        t.assigned(user, "100");                // low at 20 % of 100 = 20 remaining
        t.charged(user, "70");                  // remaining 30: above both thresholds, nothing yet
        assertThat(told(t, user, AlertRaised.USER_LOW_BALANCE)).isEmpty();

        // 64 charges of 1 released together: 30 are admitted, passing 20 (low) and then 0 (exhausted) once each.
        var outcomes = Together.run(64, i -> ledger.charge(t.tenant, new RequestId("storm-" + i + "-" + UUID.randomUUID()),
                user, "canvas", LedgerFixture.credits("1"), LedgerFixture.FEATURE));
        assertThat(outcomes.stream().filter(o -> o instanceof Outcome.Done).count()).isEqualTo(30);
        assertThat(outcomes.stream().filter(o -> o instanceof Refused).count()).isEqualTo(34);
        assertThat(t.balance(user).remaining()).isEqualTo(com.aicredits.shared.Credits.ZERO);

        assertThat(told(t, user, AlertRaised.USER_LOW_BALANCE)).hasSize(1);
        assertThat(told(t, user, AlertRaised.USER_EXHAUSTED)).hasSize(1);
        assertThat(told(t, user, AlertRaised.USER_LOW_BALANCE).getFirst().link()).endsWith("/me");
        assertThat(states(t, "USER_LOW")).isEqualTo(1);

        // Credits added: both figures rise above their thresholds, so both alerts re-arm ...
        assertThat(ledger.add(t.tenant, user, LedgerFixture.credits("100"), null, LedgerFixture.ADMIN, null))
                .isInstanceOf(Outcome.Done.class);
        alerts.check();
        assertThat(states(t, "USER_LOW")).isZero();
        assertThat(states(t, "USER_EXHAUSTED")).isZero();
        // ... and fire again on the next crossing: assigned 200, low at 40.
        t.charged(user, "59");
        assertThat(told(t, user, AlertRaised.USER_LOW_BALANCE)).hasSize(1);
        t.charged(user, "1");
        assertThat(told(t, user, AlertRaised.USER_LOW_BALANCE)).hasSize(2);
        t.charged(user, "40");
        assertThat(told(t, user, AlertRaised.USER_EXHAUSTED)).hasSize(2);
        t.assertReconciles();
    }

    /**
     * Credits added re-arm in the add's own transaction, so a charge right after it (before any check runs) that
     * crosses again is told again; left to the check after commit, an outside probe lost that second alert for good.
     */
    @Test
    void a_charge_right_after_credits_are_added_crosses_again_and_is_told_again() {
        var t = new LedgerFixture(ledger, directory).purchased("1000");
        var user = t.user("Quick Spender");
        t.assigned(user, "10");
        t.charged(user, "10");
        assertThat(told(t, user, AlertRaised.USER_LOW_BALANCE)).hasSize(1);
        assertThat(told(t, user, AlertRaised.USER_EXHAUSTED)).hasSize(1);

        assertThat(ledger.add(t.tenant, user, LedgerFixture.credits("100"), null, LedgerFixture.ADMIN, null))
                .isInstanceOf(Outcome.Done.class);
        assertThat(states(t, "USER_LOW")).as("re-armed when the add committed").isZero();
        assertThat(states(t, "USER_EXHAUSTED")).isZero();
        t.charged(user, "100");                 // remaining 0 of 110: both crossed again
        assertThat(told(t, user, AlertRaised.USER_LOW_BALANCE)).hasSize(2);
        assertThat(told(t, user, AlertRaised.USER_EXHAUSTED)).hasSize(2);
        t.assertReconciles();
    }

    @Test
    void a_purchase_rearms_the_tenants_available_alert_before_it_commits() {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var admin = t.user("Refill Admin", Role.Admin);
        var user = t.user("Refill Spender");
        t.assigned(user, "100");
        t.charged(user, "95");                  // available 5 of 100: below 10 %
        alerts.check();
        assertThat(told(t, admin, AlertRaised.POOL_LOW)).hasSize(1);

        t.purchased("900");                     // available 905 of 1,000
        assertThat(states(t, "TENANT_AVAILABLE")).as("re-armed when the purchase committed").isZero();
        assertThat(ledger.add(t.tenant, user, LedgerFixture.credits("900"), null, LedgerFixture.ADMIN, null))
                .isInstanceOf(Outcome.Done.class);
        t.charged(user, "850");                 // available 55 of 1,000: below again
        alerts.check();
        assertThat(told(t, admin, AlertRaised.POOL_LOW)).hasSize(2);
    }

    @Test
    void an_admin_is_told_when_one_of_their_people_is_exhausted_but_not_of_their_low_balance() {
        var t = new LedgerFixture(ledger, directory).purchased("1000");
        var admin = t.user("Grace Admin", Role.Admin);
        var user = t.user("Alan Spender");
        t.assigned(user, "10");
        t.charged(user, "9");
        t.charged(user, "1");
        assertThat(told(t, admin, AlertRaised.USER_LOW_BALANCE)).isEmpty();
        var exhausted = told(t, admin, AlertRaised.USER_EXHAUSTED);
        assertThat(exhausted).hasSize(1);
        assertThat(exhausted.getFirst().title()).contains("Alan Spender");
        assertThat(exhausted.getFirst().link()).contains("/credits/users/" + user.value() + "/history");
    }

    @Test
    void holds_alert_nobody_the_settle_that_uses_up_the_last_credits_does() {
        var t = new LedgerFixture(ledger, directory).purchased("1000");
        var user = t.user("Canvas Asker");
        t.assigned(user, "10");
        t.charged(user, "7");                   // 3 left, less than the Canvas's 5-credit hold
        for (int question = 1; question <= 4; question++) {
            assertThat(t.authorize("ask-" + question, user, "5")).isInstanceOf(Outcome.Done.class); // available -2
            alerts.check();
            sweep.sweep();
            assertThat(ledger.settle(t.tenant, new RequestId("ask-" + question), LedgerFixture.credits("0.5"),
                    LedgerFixture.FEATURE)).isInstanceOf(Outcome.Done.class);
            alerts.check();
        }
        assertThat(told(t, user, AlertRaised.USER_EXHAUSTED)).as("a hold is not spending").isEmpty();
        assertThat(states(t, "USER_EXHAUSTED")).isZero();

        assertThat(t.authorize("last", user, "5")).isInstanceOf(Outcome.Done.class);
        assertThat(ledger.settle(t.tenant, new RequestId("last"), LedgerFixture.credits("1"), LedgerFixture.FEATURE))
                .isInstanceOf(Outcome.Done.class);  // remaining 0
        assertThat(told(t, user, AlertRaised.USER_EXHAUSTED)).hasSize(1);

        // Credits added re-arm it; a hold beyond them and its void alert nobody either.
        assertThat(ledger.add(t.tenant, user, LedgerFixture.credits("4"), null, LedgerFixture.ADMIN, null))
                .isInstanceOf(Outcome.Done.class);
        alerts.check();
        assertThat(states(t, "USER_EXHAUSTED")).isZero();
        assertThat(t.authorize("big", user, "9")).isInstanceOf(Outcome.Done.class);
        alerts.check();
        assertThat(ledger.voidRequest(t.tenant, new RequestId("big"), LedgerFixture.FEATURE)).isInstanceOf(Outcome.Done.class);
        alerts.check();
        assertThat(told(t, user, AlertRaised.USER_EXHAUSTED)).hasSize(1);
        t.assertReconciles();
    }

    @Test
    void the_pool_alerts_tell_the_admins_once_per_crossing() {
        var t = new LedgerFixture(ledger, directory);
        var admin = t.user("Pool Admin", Role.Admin);
        var planner = t.user("Pool Planner");
        assertThat(settings.change(t.tenant, new SettingsChange(null, null, null,
                new SettingsChange.AlertsChange(null, null, Optional.of(LedgerFixture.credits("50")), null), null)))
                .isInstanceOf(Outcome.Done.class);
        thresholds.forget(t.tenant);
        t.purchased("100");
        alerts.check();
        t.assigned(planner, "60");              // unassigned 40 < 50
        alerts.check();
        assertThat(told(t, admin, AlertRaised.POOL_LOW)).hasSize(1);
        assertThat(ledger.add(t.tenant, planner, LedgerFixture.credits("10"), null, LedgerFixture.ADMIN, null))
                .isInstanceOf(Outcome.Done.class);
        alerts.check();
        assertThat(told(t, admin, AlertRaised.POOL_LOW)).as("still below: no second notice").hasSize(1);
        t.purchased("100");                     // unassigned 130: re-armed
        alerts.check();
        assertThat(ledger.add(t.tenant, planner, LedgerFixture.credits("90"), null, LedgerFixture.ADMIN, null))
                .isInstanceOf(Outcome.Done.class);
        alerts.check();
        assertThat(told(t, admin, AlertRaised.POOL_LOW)).hasSize(2);
        assertThat(told(t, planner, AlertRaised.POOL_LOW)).as("the pool is the admins' business").isEmpty();
    }

    /** A probe of December 5: the threshold set, then at once an add that crosses it (within the thresholds' cache). */
    @Test
    void a_crossing_right_after_its_threshold_was_set_is_told() {
        var t = new LedgerFixture(ledger, directory);
        var admin = t.user("Quick Admin", Role.Admin);
        var planner = t.user("Quick Planner");
        t.purchased("200");
        t.assigned(planner, "150");             // unassigned 50
        alerts.check();
        assertThat(thresholds.of(t.tenant).poolUnassignedBelow()).as("cached: no threshold").isNull();
        assertThat(settings.change(t.tenant, new SettingsChange(null, null, null,
                new SettingsChange.AlertsChange(null, null, Optional.of(LedgerFixture.credits("30")), null), null)))
                .isInstanceOf(Outcome.Done.class);
        assertThat(ledger.add(t.tenant, planner, LedgerFixture.credits("40"), null, LedgerFixture.ADMIN, null))
                .isInstanceOf(Outcome.Done.class); // unassigned 10 < 30
        alerts.check();
        assertThat(told(t, admin, AlertRaised.POOL_LOW)).hasSize(1);
    }

    @Test
    void the_tenants_total_available_below_its_percentage_of_purchased_tells_the_admins_once() {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var admin = t.user("Total Admin", Role.Admin);
        var user = t.user("Big Spender");
        t.assigned(user, "100");
        t.charged(user, "85");
        alerts.check();
        assertThat(told(t, admin, AlertRaised.POOL_LOW)).isEmpty();
        t.charged(user, "6");                   // available 9 of 100 purchased: below 10 %
        alerts.check();
        t.charged(user, "1");
        alerts.check();
        var told = told(t, admin, AlertRaised.POOL_LOW);
        assertThat(told).hasSize(1);
        assertThat(told.getFirst().body()).contains("9");
    }

    /**
     * The state a crash between a charge's commit and its alert claim leaves: figures past both thresholds, no
     * alert row and no notice. The sweep raises exactly one alert per kind, and running it again raises nothing.
     */
    @Test
    void the_sweep_raises_once_an_alert_a_crash_left_unrecorded() {
        var t = new LedgerFixture(ledger, directory).purchased("1000");
        var user = t.user("Crash Survivor");
        var above = t.user("Still Fine");
        t.assigned(user, "10");
        t.assigned(above, "10");
        t.charged(user, "10");
        t.charged(above, "1");
        alerts.check(); // what the assignments queued, made now: run after the deletes below, it would raise the alerts
        // The crash: the charge committed, the claim and its notices did not.
        jdbc.sql("delete from alert_states where tenant_id = ? and subject = ?").params(t.tenant.value(), user.value()).update();
        jdbc.sql("delete from notifications where tenant_id = ?").params(t.tenant.value()).update();
        assertThat(told(t, user, AlertRaised.USER_LOW_BALANCE)).isEmpty();

        assertThat(sweep.sweep()).isPositive();
        assertThat(told(t, user, AlertRaised.USER_LOW_BALANCE)).hasSize(1);
        assertThat(told(t, user, AlertRaised.USER_EXHAUSTED)).hasSize(1);
        assertThat(states(t, "USER_LOW")).isEqualTo(1);
        assertThat(states(t, "USER_EXHAUSTED")).isEqualTo(1);
        assertThat(notifications.inbox(t.tenant, above, false).items()).isEmpty();

        sweep.sweep();
        assertThat(told(t, user, AlertRaised.USER_LOW_BALANCE)).hasSize(1);
        assertThat(told(t, user, AlertRaised.USER_EXHAUSTED)).hasSize(1);
        assertThat(jdbc.sql("select count(*) from alert_states where tenant_id = ? and subject = ?")
                .params(t.tenant.value(), user.value()).query(Integer.class).single()).isEqualTo(2);
    }

    @Test
    void the_sweep_raises_a_pool_alert_a_crash_left_unrecorded_once() {
        var t = new LedgerFixture(ledger, directory);
        var admin = t.user("Sweep Admin", Role.Admin);
        t.purchased("100");
        var planner = t.user("Sweep Planner");
        t.assigned(planner, "100");
        t.charged(planner, "95");               // available 5 of 100 purchased: below the default 10 %
        alerts.check();
        jdbc.sql("delete from alert_states where tenant_id = ? and kind = 'TENANT_AVAILABLE'").params(t.tenant.value()).update();
        jdbc.sql("delete from notifications where tenant_id = ?").params(t.tenant.value()).update();

        sweep.sweep();
        sweep.sweep();
        assertThat(told(t, admin, AlertRaised.POOL_LOW)).hasSize(1);
        assertThat(states(t, "TENANT_AVAILABLE")).isEqualTo(1);
    }

    private int states(LedgerFixture t, String kind) {
        return jdbc.sql("select count(*) from alert_states where tenant_id = ? and kind = ?")
                .params(t.tenant.value(), kind).query(Integer.class).single();
    }
}

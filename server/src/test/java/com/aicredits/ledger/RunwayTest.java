package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.ADMIN;
import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.UserId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The forecast's arithmetic (SPEC part two, "Runway"): the pace is the last 14 days' consumption / 14; the runway is
 * the day the available credits reach zero at that pace, today when already out, none without consumption; users
 * who run out before their next allowance grant are flagged.
 */
@TestApplication
class RunwayTest {

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired JdbcClient jdbc;

    LedgerFixture t;
    UserId ada;
    UserId bob;
    UserId cy;
    UserId dee;

    void charge(UserId user, String cost) {
        assertThat(ledger.charge(t.tenant, new RequestId(UUID.randomUUID().toString()), user, "canvas", credits(cost), FEATURE))
                .isInstanceOf(Outcome.Done.class);
    }

    /**
     * Ada: a weekly allowance of 100, 70 consumed: 30 left at 5 a day, out in 6 days. Bob: a monthly allowance of
     * 1000, 14 consumed: 986 left at 1 a day. Cy: 50 assigned, 60 consumed: out already. Dee: 10 assigned, nothing
     * consumed: no runway.
     */
    @BeforeEach
    void tenant() {
        t = new LedgerFixture(ledger, directory);
        t.purchased("10000");
        ada = t.user("Ada Lovelace");
        bob = t.user("Bob Noyce");
        cy = t.user("Cy Young");
        dee = t.user("Dee Hock");
        ledger.allowances().set(t.tenant, ada, new AllowanceTerms(credits("100"), Period.WEEKLY, AllowanceMode.TOP_UP), null, ADMIN)
                .orElseThrow();
        ledger.allowances().set(t.tenant, bob, new AllowanceTerms(credits("1000"), Period.MONTHLY, AllowanceMode.TOP_UP), null, ADMIN)
                .orElseThrow();
        t.assigned(cy, "50");
        t.assigned(dee, "10");
        charge(ada, "70");
        charge(bob, "14");
        assertThat(t.authorize("over", cy, "1")).isInstanceOf(Outcome.Done.class);
        assertThat(ledger.settle(t.tenant, new RequestId("over"), credits("60"), FEATURE)).isInstanceOf(Outcome.Done.class);
    }

    @Test
    void each_users_pace_and_runway() {
        var today = ledger.overTime().today(t.tenant);
        var runways = ledger.overTime().runways(t.tenant, List.of(ada, bob, cy, dee));
        assertThat(runways.get(ada).dailyBurn()).isEqualTo(credits("5"));
        assertThat(runways.get(ada).runsOutOn()).isEqualTo(today.plusDays(6));
        assertThat(runways.get(ada).beforeNextGrant()).as("Ada runs out before her weekly grant only if it is 7 days away")
                .isEqualTo(today.plusDays(6).isBefore(ledger.allowances().nextGrantDay(t.tenant, Period.WEEKLY)));
        assertThat(runways.get(bob).dailyBurn()).isEqualTo(credits("1"));
        assertThat(runways.get(bob).runsOutOn()).isEqualTo(today.plusDays(986));
        assertThat(runways.get(bob).beforeNextGrant()).as("Bob's next monthly grant comes long before").isFalse();
        assertThat(runways.get(cy).runsOutOn()).as("negative available: out today").isEqualTo(today);
        assertThat(runways.get(dee).dailyBurn()).isEqualTo(Credits.ZERO);
        assertThat(runways.get(dee).runsOutOn()).as("no consumption: no runway").isNull();
    }

    @Test
    void the_forecast_lists_who_runs_out_within_14_days_soonest_first_and_the_tenants_runway() {
        var today = ledger.overTime().today(t.tenant);
        var forecast = ledger.overTime().forecast(t.tenant, 100);
        assertThat(forecast.users()).extracting(Forecast.UserForecast::name).containsExactly("Cy Young", "Ada Lovelace");
        assertThat(forecast.users().get(1).nextGrantAt()).isEqualTo(ledger.allowances().nextGrantAt(t.tenant, Period.WEEKLY));
        assertThat(forecast.users().get(0).available()).isEqualTo(new Credits(-10_000));
        // purchased 10000, consumed 144: 9856 left at 144/14 a day
        assertThat(forecast.tenantAvailable()).isEqualTo(credits("9856"));
        assertThat(forecast.tenant().dailyBurn()).isEqualTo(new Credits(144_000 / 14));
        assertThat(forecast.tenant().runsOutOn()).isEqualTo(today.plusDays(9856L * 14 / 144));

        var own = ledger.overTime().forecast(t.tenant, bob);
        assertThat(own.tenant()).as("a user's own forecast has no tenant figures").isNull();
        assertThat(own.users()).extracting(Forecast.UserForecast::name).containsExactly("Bob Noyce");
    }

    @Test
    void the_table_sorts_by_runway_and_filters_those_who_run_out_within_7_days() {
        var bySoonest = ledger.rows(t.tenant, new RowQuery(null, null, null, RowQuery.SortBy.RUNS_OUT_ON, false, 0, 50));
        assertThat(bySoonest.items()).extracting(AccountRow::name)
                .containsExactly("Cy Young", "Ada Lovelace", "Bob Noyce", "Dee Hock");
        var soon = ledger.rows(t.tenant, new RowQuery(null, null, RowQuery.UserState.RUNS_OUT_SOON, RowQuery.SortBy.NAME,
                false, 0, 50));
        assertThat(soon.items()).extracting(AccountRow::name).containsExactly("Ada Lovelace", "Cy Young");
        assertThat(soon.total()).isEqualTo(2);
    }

    /** Sorted or filtered by runway, a page's statement computes its users' runways: the API's table reads them there. */
    @Test
    void the_runways_read_with_a_page_are_those_read_on_their_own() {
        var everyone = List.of(ada, bob, cy, dee);
        var separately = ledger.overTime().runways(t.tenant, everyone);
        for (var query : List.of(new RowQuery(null, null, null, RowQuery.SortBy.RUNS_OUT_ON, false, 0, 50),
                new RowQuery(null, null, null, RowQuery.SortBy.RUNS_OUT_ON, true, 0, 50),
                new RowQuery("o", null, null, RowQuery.SortBy.RUNS_OUT_ON, false, 0, 50),
                new RowQuery(null, null, RowQuery.UserState.RUNS_OUT_SOON, RowQuery.SortBy.NAME, false, 0, 50),
                new RowQuery(null, null, null, RowQuery.SortBy.NAME, false, 0, 50))) {
            var table = ledger.overTime().table(t.tenant, query);
            assertThat(table.rows()).as("%s", query).isEqualTo(ledger.rows(t.tenant, query));
            assertThat(table.runways()).as("%s", query).hasSize(table.rows().items().size())
                    .allSatisfy((user, runway) -> assertThat(runway).isEqualTo(separately.get(user)));
        }
    }

    /**
     * After a fold the folder keeps every user's runway (V28) and readers take those rows; a charge since moves its
     * user at once (the tail is added to the kept pace), and the next fold keeps the new figures.
     */
    @Test
    void kept_runways_answer_as_computed_ones_and_a_charge_since_the_fold_moves_its_user_at_once() {
        t.foldEverything(jdbc);
        var today = ledger.overTime().today(t.tenant);
        assertThat(runwaysOn()).as("the tenant's runways are kept for today").contains(today);
        each_users_pace_and_runway();
        the_table_sorts_by_runway_and_filters_those_who_run_out_within_7_days();

        charge(dee, "9"); // 1 left at 9/14 a day: out tomorrow
        for (int folds = 0; folds < 2; folds++) {
            assertThat(ledger.overTime().runways(t.tenant, List.of(dee)).get(dee).runsOutOn()).isEqualTo(today.plusDays(1));
            assertThat(ledger.rows(t.tenant, new RowQuery(null, null, null, RowQuery.SortBy.RUNS_OUT_ON, false, 0, 2))
                    .items()).extracting(AccountRow::name).containsExactly("Cy Young", "Dee Hock");
            assertThat(ledger.overTime().forecast(t.tenant, 100).users()).extracting(Forecast.UserForecast::name)
                    .containsExactly("Cy Young", "Dee Hock", "Ada Lovelace");
            assertThat(ledger.reconcile(t.tenant).drifts()).isEmpty();
            t.foldEverything(jdbc);
        }
    }

    /**
     * Kept runways are for one day: on the next, every pace window has slid, so readers compute every runway until the
     * folder recomputes the tenant (here the rows are made a day old instead of moving the shared clock).
     */
    @Test
    void runways_kept_for_an_earlier_day_are_not_read_and_the_next_fold_recomputes_them() {
        t.foldEverything(jdbc);
        var today = ledger.overTime().today(t.tenant);
        jdbc.sql("update user_runways set lasts_until = '2000-01-01' where tenant_id = ?").param(t.tenant.value()).update();
        jdbc.sql("update usage_zones set runways_on = runways_on - 1 where tenant_id = ?").param(t.tenant.value()).update();
        assertThat(ledger.overTime().runways(t.tenant, List.of(bob)).get(bob).runsOutOn())
                .as("yesterday's rows are not read").isEqualTo(today.plusDays(986));
        the_table_sorts_by_runway_and_filters_those_who_run_out_within_7_days();

        t.foldEverything(jdbc);
        assertThat(runwaysOn()).contains(today);
        assertThat(jdbc.sql("select count(*) from user_runways where tenant_id = ? and lasts_until = '2000-01-01'")
                .param(t.tenant.value()).query(Long.class).single()).as("every row recomputed").isZero();
        assertThat(ledger.reconcile(t.tenant).drifts()).isEmpty();
    }

    /** A kept row that differs from the account and the roll-ups is a drift, like a roll-up's. */
    @Test
    void the_reconciliation_finds_a_kept_runway_that_drifted() {
        t.foldEverything(jdbc);
        jdbc.sql("update user_runways set available = available + 1 where tenant_id = ? and user_id = ?")
                .params(t.tenant.value(), bob.value()).update();
        assertThat(ledger.reconcile(t.tenant).drifts()).singleElement().asString()
                .startsWith("runway " + t.tenant.value() + "/" + bob.value());
    }

    private java.util.Optional<java.time.LocalDate> runwaysOn() {
        return jdbc.sql("select runways_on from usage_zones where tenant_id = ?").param(t.tenant.value())
                .query(java.time.LocalDate.class).optional();
    }

    @Test
    void a_tenant_without_consumption_has_no_runway() {
        var quiet = new LedgerFixture(ledger, directory).purchased("100");
        var forecast = ledger.overTime().forecast(quiet.tenant, 100);
        assertThat(forecast.tenant().dailyBurn()).isEqualTo(Credits.ZERO);
        assertThat(forecast.tenant().runsOutOn()).isNull();
        assertThat(forecast.users()).isEmpty();
    }
}

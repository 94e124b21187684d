package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.ADMIN;
import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.TestClock;
import com.aicredits.Together;
import com.aicredits.directory.Directory;
import com.aicredits.settings.SettingsChange;
import com.aicredits.settings.TenantSettings;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.UserId;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Usage over time (SPEC part two): the daily roll-ups, the watermark that folds them, and the days they are counted
 * on, on the embedded PostgreSQL, one tenant per test. Every read must equal a recount from the ledger whether the
 * consumption is folded or still in the tail.
 */
@TestApplication
class UsageTest {

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired TenantSettings settings;
    @Autowired TestClock clock;
    @Autowired JdbcClient jdbc;
    @Autowired UsageFolder folder;
    @Autowired TransactionTemplate transactions;

    LedgerFixture t;

    @BeforeEach
    void newTenant() {
        t = new LedgerFixture(ledger, directory);
        t.purchased("10000");
        ledger.expireHolds();
    }

    void charge(UserId user, String feature, String cost) {
        assertThat(ledger.charge(t.tenant, new RequestId(UUID.randomUUID().toString()), user, feature, credits(cost), FEATURE))
                .isInstanceOf(Outcome.Done.class);
    }

    Usage usage(LocalDate from, LocalDate to, UsageQuery.Interval interval, UsageQuery.GroupBy groupBy, UserId user) {
        return ledger.overTime().usage(t.tenant, new UsageQuery(from, to, interval, groupBy, user, UsageQuery.DEFAULT_LIMIT));
    }

    /** The non-zero points of the one series of an ungrouped usage, by day. */
    Map<LocalDate, Credits> byDay(LocalDate from, LocalDate to) {
        var points = new LinkedHashMap<LocalDate, Credits>();
        usage(from, to, UsageQuery.Interval.DAY, UsageQuery.GroupBy.NONE, null).series().getFirst().points().stream()
                .filter(p -> !p.consumed().equals(Credits.ZERO)).forEach(p -> points.put(p.date(), p.consumed()));
        return points;
    }

    void zone(String zone) {
        assertThat(settings.change(t.tenant, new SettingsChange(zone, null, null, null, null))).isInstanceOf(Outcome.Done.class);
    }

    /** Moves the shared clock forward to {@code instant} (never back), and sweeps what that expired in other tests. */
    void moveTo(Instant instant) {
        assertThat(instant).isAfter(clock.instant());
        clock.advance(Duration.between(clock.instant(), instant));
        ledger.expireHolds();
    }

    @Test
    void consumption_is_counted_by_feature_and_user_on_the_day_it_was_settled_or_charged() {
        var ada = t.user("Ada Lovelace");
        var bob = t.user("Bob Noyce");
        t.assigned(ada, "100");
        t.assigned(bob, "100");
        charge(ada, "canvas", "10");
        charge(ada, "summarize", "2.5");
        charge(bob, "canvas", "4");
        assertThat(t.authorize("held", bob, "3")).isInstanceOf(Outcome.Done.class);
        assertThat(t.authorize("voided", bob, "3")).isInstanceOf(Outcome.Done.class);
        assertThat(ledger.voidRequest(t.tenant, new RequestId("voided"), FEATURE)).isInstanceOf(Outcome.Done.class);
        var today = ledger.overTime().today(t.tenant);

        var byFeature = usage(today.minusDays(29), today, UsageQuery.Interval.DAY, UsageQuery.GroupBy.FEATURE, null);
        assertThat(byFeature.total()).as("a hold and a void consume nothing").isEqualTo(credits("16.5"));
        assertThat(byFeature.series()).extracting(Usage.Series::key, Usage.Series::total)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("canvas", credits("14")),
                        org.assertj.core.groups.Tuple.tuple("summarize", credits("2.5")));
        assertThat(byFeature.series().getFirst().points()).hasSize(30).last()
                .isEqualTo(new Usage.Point(today, credits("14")));

        // the settle counts on its own day, with the request's feature
        assertThat(ledger.settle(t.tenant, new RequestId("held"), credits("1.125"), FEATURE)).isInstanceOf(Outcome.Done.class);
        var byUser = usage(today, today, UsageQuery.Interval.DAY, UsageQuery.GroupBy.USER, null);
        assertThat(byUser.series()).extracting(Usage.Series::label, Usage.Series::total)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Ada Lovelace", credits("12.5")),
                        org.assertj.core.groups.Tuple.tuple("Bob Noyce", credits("5.125")));
        assertThat(usage(today, today, UsageQuery.Interval.DAY, UsageQuery.GroupBy.NONE, bob).total()).isEqualTo(credits("5.125"));
        assertThat(ledger.overTime().usage(t.tenant, new UsageQuery(today, today, UsageQuery.Interval.DAY, UsageQuery.GroupBy.USER,
                null, 1)).series()).as("the limit keeps the largest").extracting(Usage.Series::label).containsExactly("Ada Lovelace");

        // folded or not, the same answer; and the roll-ups reconcile with the ledger
        var before = usage(today.minusDays(29), today, UsageQuery.Interval.WEEK, UsageQuery.GroupBy.FEATURE, null);
        t.foldEverything(jdbc);
        assertThat(usage(today.minusDays(29), today, UsageQuery.Interval.WEEK, UsageQuery.GroupBy.FEATURE, null)).isEqualTo(before);
        assertThat(before.series().getFirst().points().getFirst().date()).as("a cut week starts on the range's first day")
                .isEqualTo(today.minusDays(29));
        assertThat(before.series().getFirst().points().stream().skip(1).map(Usage.Point::date))
                .allSatisfy(day -> assertThat(day.getDayOfWeek()).isEqualTo(java.time.DayOfWeek.MONDAY));
        t.assertReconciles();
    }

    @Test
    void a_day_ends_at_midnight_in_Kolkata_not_in_UTC() {
        zone("Asia/Kolkata");
        var kolkata = ZoneId.of("Asia/Kolkata");
        var ada = t.user("Ada Lovelace");
        t.assigned(ada, "100");
        var midnight = LocalDate.ofInstant(clock.instant(), kolkata).plusDays(1).atStartOfDay(kolkata).toInstant();
        moveTo(midnight.minusSeconds(60));
        var before = ledger.overTime().today(t.tenant);
        charge(ada, "canvas", "1");
        moveTo(midnight.plusSeconds(60));
        charge(ada, "canvas", "2");
        assertThat(ledger.overTime().today(t.tenant)).isEqualTo(before.plusDays(1));

        var expected = Map.of(before, credits("1"), before.plusDays(1), credits("2"));
        assertThat(byDay(before.minusDays(1), before.plusDays(1))).as("from the tail").isEqualTo(expected);
        t.foldEverything(jdbc);
        assertThat(byDay(before.minusDays(1), before.plusDays(1))).as("from the roll-ups").isEqualTo(expected);
        t.assertReconciles();
    }

    @Test
    void a_daylight_saving_day_in_Los_Angeles_ends_at_its_own_midnight() {
        zone("America/Los_Angeles");
        var la = ZoneId.of("America/Los_Angeles");
        var ada = t.user("Ada Lovelace");
        t.assigned(ada, "100");
        var change = la.getRules().nextTransition(clock.instant());
        LocalDate changeDay = LocalDate.ofInstant(change.getInstant(), la);
        // the change day's own midnight (before the change) and the next (after it): 23 or 25 hours apart
        Instant start = changeDay.atStartOfDay(la).toInstant();
        Instant end = changeDay.plusDays(1).atStartOfDay(la).toInstant();
        assertThat(Duration.between(start, end)).isNotEqualTo(Duration.ofHours(24));
        moveTo(start.minusSeconds(60));
        charge(ada, "canvas", "1");
        moveTo(start.plusSeconds(60));
        charge(ada, "canvas", "2");
        moveTo(end.minusSeconds(60));
        charge(ada, "canvas", "4");
        moveTo(end.plusSeconds(60));
        charge(ada, "canvas", "8");

        var expected = Map.of(changeDay.minusDays(1), credits("1"), changeDay, credits("6"), changeDay.plusDays(1), credits("8"));
        assertThat(byDay(changeDay.minusDays(2), changeDay.plusDays(2))).as("from the tail").isEqualTo(expected);
        t.foldEverything(jdbc);
        assertThat(byDay(changeDay.minusDays(2), changeDay.plusDays(2))).as("from the roll-ups").isEqualTo(expected);
        t.assertReconciles();
    }

    @Test
    void a_zone_change_counts_the_days_in_the_new_zone_at_once_and_rebuilds_the_roll_ups() {
        var ada = t.user("Ada Lovelace");
        t.assigned(ada, "100");
        // 20:00 UTC is 01:30 the next day in Kolkata
        var evening = LocalDate.ofInstant(clock.instant(), ZoneId.of("UTC")).plusDays(1).atTime(20, 0)
                .atZone(ZoneId.of("UTC")).toInstant();
        moveTo(evening);
        charge(ada, "canvas", "3");
        LocalDate utcDay = ledger.overTime().today(t.tenant);
        t.foldEverything(jdbc);
        assertThat(byDay(utcDay.minusDays(1), utcDay.plusDays(1))).isEqualTo(Map.of(utcDay, credits("3")));

        zone("Asia/Kolkata");
        assertThat(byDay(utcDay.minusDays(1), utcDay.plusDays(1))).as("before the rebuild: counted from the ledger")
                .isEqualTo(Map.of(utcDay.plusDays(1), credits("3")));
        t.assertReconciles();
        t.foldEverything(jdbc);
        assertThat(jdbc.sql("select time_zone from usage_zones where tenant_id = ?").param(t.tenant.value())
                .query(String.class).single()).isEqualTo("Asia/Kolkata");
        assertThat(byDay(utcDay.minusDays(1), utcDay.plusDays(1))).as("after the rebuild")
                .isEqualTo(Map.of(utcDay.plusDays(1), credits("3")));
        t.assertReconciles();
    }

    @Test
    void an_entry_that_commits_after_a_later_one_is_folded_once_not_skipped() throws Exception {
        var ada = t.user("Ada Lovelace");
        var bob = t.user("Bob Noyce");
        t.assigned(ada, "100");
        t.assigned(bob, "100");
        t.foldEverything(jdbc);
        var charged = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var pool = Executors.newSingleThreadExecutor();
        try {
            // Ada's charge takes its entry id first and commits last
            var slow = pool.submit(() -> transactions.executeWithoutResult(status -> {
                charge(ada, "canvas", "5");
                charged.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(charged.await(30, TimeUnit.SECONDS)).isTrue();
            charge(bob, "canvas", "7");
            ledger.overTime().fold(); // Ada's open transaction is older than Bob's: this fold leaves both out
            var today = ledger.overTime().today(t.tenant);
            assertThat(usage(today, today, UsageQuery.Interval.DAY, UsageQuery.GroupBy.NONE, null).total())
                    .as("Bob's committed charge is read while Ada's is still open").isEqualTo(credits("7"));
            release.countDown();
            slow.get(30, TimeUnit.SECONDS);
            assertThat(usage(today, today, UsageQuery.Interval.DAY, UsageQuery.GroupBy.NONE, null).total()).isEqualTo(credits("12"));
            t.foldEverything(jdbc);
            assertThat(jdbc.sql("select coalesce(sum(consumed), 0) from usage_daily where tenant_id = ?")
                    .param(t.tenant.value()).query(Long.class).single()).as("folded, each once").isEqualTo(credits("12").thousandths());
            t.assertReconciles();
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void two_folders_at_once_while_charges_go_on_fold_every_entry_exactly_once() throws Exception {
        var users = new java.util.ArrayList<UserId>();
        for (int i = 0; i < 4; i++) {
            var user = t.user("User " + i);
            t.assigned(user, "1000");
            users.add(user);
        }
        Together.run(6, n -> {
            if (n < 4) {
                for (int i = 0; i < 40; i++) {
                    charge(users.get(n), i % 2 == 0 ? "canvas" : "translate", "0.125");
                }
            } else {
                for (int i = 0; i < 40; i++) {
                    folder.foldBatch(7);
                }
            }
            return n;
        });
        t.foldEverything(jdbc);
        assertThat(jdbc.sql("select coalesce(sum(consumed), 0) from usage_daily where tenant_id = ?")
                .param(t.tenant.value()).query(Long.class).single()).isEqualTo(credits("20").thousandths());
        assertThat(jdbc.sql("select coalesce(sum(requests), 0) from usage_daily_features where tenant_id = ?")
                .param(t.tenant.value()).query(Long.class).single()).isEqualTo(160L);
        t.assertReconciles();
    }

    @Test
    void the_features_come_in_the_order_of_their_first_use_so_a_new_one_comes_after_the_older_ones() {
        var ada = t.user("Ada Lovelace");
        t.assigned(ada, "100");
        charge(ada, "translate", "1");
        charge(ada, "summarize", "1");
        t.foldEverything(jdbc);
        moveTo(clock.instant().plus(Duration.ofDays(1)));
        charge(ada, "canvas", "1");
        charge(ada, "alpha", "1");
        charge(ada, "translate", "1");
        var order = java.util.List.of("summarize", "translate", "alpha", "canvas"); // each day's by name
        assertThat(ledger.overTime().featureOrder(t.tenant)).as("the new ones in the tail").isEqualTo(order);
        t.foldEverything(jdbc);
        assertThat(ledger.overTime().featureOrder(t.tenant)).as("folded").isEqualTo(order);
    }

    @Test
    void a_drift_in_a_roll_up_is_a_drift() {
        var ada = t.user("Ada Lovelace");
        t.assigned(ada, "100");
        charge(ada, "canvas", "3");
        t.foldEverything(jdbc);
        t.assertReconciles();
        assertThat(jdbc.sql("update usage_daily set consumed = consumed + 1 where tenant_id = ?").param(t.tenant.value()).update())
                .as("the charge's roll-up").isOne();
        assertThat(ledger.reconcile(t.tenant).drifts()).anySatisfy(drift -> assertThat(drift).startsWith("usage "));
        jdbc.sql("update usage_daily set consumed = consumed - 1 where tenant_id = ?").param(t.tenant.value()).update();
        t.assertReconciles();
    }
}

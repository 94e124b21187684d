package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;

import static com.aicredits.ledger.LedgerFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aicredits.TestApplication;
import com.aicredits.TestClock;
import com.aicredits.Together;
import com.aicredits.directory.Directory;
import com.aicredits.shared.UserId;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Calendar;
import com.aicredits.settings.Period;
import com.aicredits.settings.TenantSettings;
import com.github.kagkarlsson.scheduler.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The period job's exactly-once promise: several instances granting at the same instant, and a run that dies
 * halfway and is run again, each leave every user granted exactly once for the period.
 */
@TestApplication
class PeriodJobTest {

    static final int USERS = 23;
    static final int BATCH = 5;

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired TenantSettings settings;
    @Autowired Calendar calendar;
    @Autowired TestClock clock;
    @Autowired JdbcClient jdbc;
    @Autowired DataSource dataSource;

    LedgerFixture t;
    List<UserId> users;

    /** A tenant whose users all have a monthly RESET allowance granted for this month; the clock then moves to the next. */
    @BeforeEach
    void tenantAtAMonthStart() {
        t = new LedgerFixture(ledger, directory);
        t.purchased("100000");
        users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            var user = t.user("User " + i);
            users.add(user);
            assertThat(ledger.allowances().set(t.tenant, user, new AllowanceTerms(Credits.of(10), Period.MONTHLY,
                    AllowanceMode.RESET), null, ADMIN)).isInstanceOf(Outcome.Done.class);
            t.charged(user, "3");
        }
        var next = calendar.nextStart(Period.MONTHLY, settings.timeZone(t.tenant));
        clock.advance(Duration.between(clock.instant(), next).plusSeconds(1));
        // The clock and the expiry sweep are shared by the context's tests: sweep the holds this jump expired, so a
        // later test's sweep counts only its own.
        ledger.expireHolds();
    }

    @Test
    void two_instances_granting_at_the_same_instant_grant_each_user_once() throws Exception {
        var totals = Together.run(2, instance -> ledger.allowances().grantDue(t.tenant, BATCH, batch -> { }));

        assertThat(totals.get(0).users() + totals.get(1).users()).isEqualTo(USERS);
        assertGrantedExactlyOnceThisMonth();
    }

    @Test
    void a_run_that_dies_after_some_batches_and_is_run_again_grants_each_user_once() {
        assertThatThrownBy(() -> ledger.allowances().grantDue(t.tenant, BATCH, batch -> {
            if (batch == 3) {
                throw new IllegalStateException("the instance died here");
            }
        })).hasMessageContaining("died");
        assertThat(grantsThisMonth()).isEqualTo(3 * BATCH);

        var rest = ledger.allowances().grantDue(t.tenant, BATCH, batch -> { });

        assertThat(rest.users()).isEqualTo(USERS - 3 * BATCH);
        assertGrantedExactlyOnceThisMonth();
    }

    @Test
    void two_db_schedulers_on_one_database_run_the_period_job_and_grant_each_user_once() throws Exception {
        var runs = new AtomicInteger();
        Runnable job = () -> {
            runs.incrementAndGet();
            ledger.allowances().grantDue(t.tenant, BATCH, batch -> { });
        };
        var schedulers = List.of(PeriodJob.scheduler(dataSource, Duration.ofSeconds(1), job),
                PeriodJob.scheduler(dataSource, Duration.ofSeconds(1), job));
        try {
            Together.run(2, i -> {
                schedulers.get(i).start();
                return null;
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((runs.get() < 3 || grantsThisMonth() < USERS) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } finally {
            schedulers.forEach(Scheduler::stop);
        }
        assertThat(runs.get()).isGreaterThanOrEqualTo(3);
        assertGrantedExactlyOnceThisMonth();
    }

    private long grantsThisMonth() {
        return jdbc.sql("select count(*) from allowance_grants where tenant_id = ? and period_start = ?")
                .params(t.tenant.value(), calendar.currentStart(Period.MONTHLY, settings.timeZone(t.tenant)))
                .query(Long.class).single();
    }

    private void assertGrantedExactlyOnceThisMonth() {
        var reference = "MONTHLY " + calendar.currentStart(Period.MONTHLY, settings.timeZone(t.tenant));
        assertThat(grantsThisMonth()).isEqualTo(USERS);
        for (var user : users) {
            long entries = jdbc.sql("select count(*) from ledger_entries where tenant_id = ? and user_id = ? and type = 'ALLOWANCE' and reference = ?")
                    .params(t.tenant.value(), user.value(), reference).query(Long.class).single();
            assertThat(entries).as("grants of %s for %s", user, reference).isEqualTo(1);
            // 10 granted last month, 3 used, 7 returned, 10 granted this month
            assertThat(t.balance(user).remaining()).isEqualTo(Credits.of(10));
        }
        // each user: 10 last month, 7 unused back, 10 this month: 13 out of the pool
        assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(100000 - USERS * 13));
        t.assertReconciles();
    }
}

package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A month start killed twice with SIGKILL halfway, while the usual mixed load of 16 clients goes on in another
 * tenant: when the restarted service has finished the month start, every user was granted exactly once (one grant
 * row, one ALLOWANCE entry, the allowance's figure), the pool gave exactly that much, and the reconciliation finds
 * no drift in either tenant.
 *
 * <p>A month start is every allowance of a tenant having no grant for the period running now. The test makes
 * exactly that state by writing {@value #USERS} users and their allowances straight into the database (the
 * service is not told, as it is not told when a month turns over), so the period job finds them on its next run.
 */
class MonthStartCrashTest {

    private static final int USERS = 3_000;
    private static final long ALLOWANCE = 100_000; // 100 credits, in thousandths
    /** Small batches make the month start long enough (120 transactions) to be killed in the middle, twice. */
    private static final List<String> SETTINGS = List.of("--aicredits.allowances.job.interval=1s",
            "--aicredits.allowances.batch-size=25");
    private static final Duration FINISHES_WITHIN = Duration.ofSeconds(180);

    @Test
    void everyUserIsGrantedExactlyOnceWhenTheMonthStartIsKilledHalfway() throws Exception {
        try (var rig = Rig.start("month-start", SETTINGS)) {
            rig.workload.start(16);
            var monthly = Tenant.create(rig.api, rig.service.platformKey(), "month-start-users", 0,
                    new BigDecimal("10000000"));
            try (var db = rig.database.connect()) {
                writeAllowances(db, monthly.id());
                var grantedAtKills = new ArrayList<Long>();
                for (long killAt : new long[] {USERS / 5, USERS / 2}) {
                    waitFor(db, monthly.id(), killAt);
                    rig.service.kill();
                    grantedAtKills.add(grants(db, monthly.id()));
                    rig.service.start();
                }
                Instant restarted = Instant.now();
                waitFor(db, monthly.id(), USERS);
                Duration finishing = Duration.between(restarted, Instant.now());
                ServiceProcess.pause(Duration.ofSeconds(3)); // a run still going would grant nothing more
                rig.workload.stop();

                assertThat(grantedAtKills).as("grants when each kill struck: in the middle of the month start")
                        .allSatisfy(granted -> assertThat(granted).isBetween(1L, (long) USERS - 1));
                assertExactlyOnce(db, monthly.id());
                int checked = rig.verifyLedger();
                rig.report("month-start", "%d allowances, SIGKILL at %s grants, the rest granted %d s after the last restart"
                        .formatted(USERS, grantedAtKills, finishing.toSeconds()), checked);
            }
        }
    }

    private static void writeAllowances(Connection db, UUID tenant) throws SQLException {
        try (var users = db.prepareStatement("""
                insert into users (tenant_id, id, name, email, role, created_at)
                select ?, gen_random_uuid(), 'Monthly ' || n, 'monthly' || n || '@faults.example', 'Viewer', now()
                  from generate_series(1, ?) n
                """);
             var allowances = db.prepareStatement("""
                insert into allowances (tenant_id, user_id, credits, period, mode, set_by, set_at)
                select tenant_id, id, ?, 'MONTHLY', 'RESET', 'faults', now() from users where tenant_id = ?
                """)) {
            users.setObject(1, tenant);
            users.setInt(2, USERS);
            users.executeUpdate();
            allowances.setLong(1, ALLOWANCE);
            allowances.setObject(2, tenant);
            assertThat(allowances.executeUpdate()).isEqualTo(USERS);
        }
    }

    private static void assertExactlyOnce(Connection db, UUID tenant) throws SQLException {
        assertThat(single(db, "select count(*) from allowance_grants where tenant_id = ?", tenant)).isEqualTo(USERS);
        assertThat(single(db, "select count(*) from allowance_grants where tenant_id = ? and granted <> ?", tenant, ALLOWANCE))
                .as("grants of another figure than the allowance").isZero();
        assertThat(single(db, "select count(*) from ledger_entries where tenant_id = ? and type = 'ALLOWANCE'", tenant))
                .as("ALLOWANCE entries").isEqualTo(USERS);
        assertThat(single(db, "select count(distinct user_id) from ledger_entries where tenant_id = ? and type = 'ALLOWANCE'", tenant))
                .as("users with an ALLOWANCE entry").isEqualTo(USERS);
        assertThat(single(db, "select count(*) from accounts where tenant_id = ? and assigned - consumed <> ?", tenant, ALLOWANCE))
                .as("users whose remaining is not the allowance").isZero();
        assertThat(single(db, "select assigned from pools where tenant_id = ?", tenant)).isEqualTo(USERS * ALLOWANCE);
    }

    private static void waitFor(Connection db, UUID tenant, long grants) throws SQLException {
        Instant deadline = Instant.now().plus(FINISHES_WITHIN);
        while (grants(db, tenant) < grants) {
            assertThat(Instant.now()).as("%d grants within %s", grants, FINISHES_WITHIN).isBefore(deadline);
            ServiceProcess.pause(Duration.ofMillis(10));
        }
    }

    private static long grants(Connection db, UUID tenant) throws SQLException {
        return single(db, "select count(*) from allowance_grants where tenant_id = ?", tenant);
    }

    private static long single(Connection db, String sql, Object... params) throws SQLException {
        try (var statement = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped the hard way (immediate mode) under load, kept down a few seconds, started again. While
 * it is down the service refuses quickly and clearly (503 problem details, code UNAVAILABLE, readiness down,
 * liveness up); afterwards it serves again by itself, and the ledger is as if nothing had happened.
 */
class DatabaseRestartTest {

    private static final int CLIENTS = 16;
    private static final int OUTAGES = 2;
    private static final Duration DOWN_FOR = Duration.ofSeconds(3);
    /** A bound on hanging, not a performance claim: a refusal that takes longer is a request left waiting. */
    private static final Duration REFUSED_WITHIN = Duration.ofSeconds(5);
    private static final Duration SERVING_AGAIN_WITHIN = Duration.ofSeconds(20);

    @Test
    void theServiceRefusesCleanlyWhileItsDatabaseIsDownAndRecoversByItself() throws Exception {
        try (var rig = Rig.start("database-restart")) {
            Random faults = rig.seed.stream(1);
            rig.workload.start(CLIENTS);
            long refusedWhileDown = 0;
            Duration slowestRecovery = Duration.ZERO;
            for (int outage = 1; outage <= OUTAGES; outage++) {
                ServiceProcess.pause(Duration.ofMillis(1_500 + faults.nextInt(2_000)));
                int refusalsBefore = rig.api.failures().size();
                rig.database.stopImmediately();
                ServiceProcess.pause(DOWN_FOR.dividedBy(2));
                assertThat(rig.service.probe("/actuator/health/liveness")).as("liveness with the database down").isEqualTo(200);
                assertThat(rig.service.probe("/actuator/health/readiness")).as("readiness with the database down").isEqualTo(503);
                ServiceProcess.pause(DOWN_FOR.dividedBy(2));
                refusedWhileDown += rig.api.failures().size() - refusalsBefore;

                long restartedAt = System.nanoTime();
                rig.database.start();
                while (rig.api.balance(rig.tenant.consumeKey(), rig.tenant.id(), rig.tenant.users().getFirst()).status() != 200) {
                    assertThat(Duration.ofNanos(System.nanoTime() - restartedAt))
                            .as("serving again after PostgreSQL is back").isLessThan(SERVING_AGAIN_WITHIN);
                    ServiceProcess.pause(Duration.ofMillis(100));
                }
                var recovery = Duration.ofNanos(System.nanoTime() - restartedAt);
                slowestRecovery = recovery.compareTo(slowestRecovery) > 0 ? recovery : slowestRecovery;
            }
            ServiceProcess.pause(Duration.ofSeconds(2));
            rig.workload.stop();

            assertThat(rig.service.starts()).as("the service was never restarted by hand").isEqualTo(1);
            assertThat(refusedWhileDown).as("requests the service refused while PostgreSQL was down").isPositive();
            assertThat(rig.api.failures()).as("every server error is a prompt 503 with problem details")
                    .allSatisfy(failure -> {
                        assertThat(failure.status()).as("%s", failure).isEqualTo(503);
                        assertThat(failure.contentType()).as("%s", failure).startsWith("application/problem+json");
                        assertThat(failure.code()).as("%s", failure).isEqualTo("UNAVAILABLE");
                        assertThat(failure.elapsed()).as("%s", failure).isLessThan(REFUSED_WITHIN);
                    });
            long slowestRefusal = rig.api.failures().stream().mapToLong(f -> f.elapsed().toMillis()).max().orElse(0);
            int checked = rig.verifyLedger();
            rig.report("database-restart", ("%d immediate stops of PostgreSQL, %d refusals (503) seen while it was down, "
                    + "the slowest answered in %d ms, serving again within %d ms of its restart").formatted(OUTAGES,
                    refusedWhileDown, slowestRefusal, slowestRecovery.toMillis()), checked);
        }
    }
}

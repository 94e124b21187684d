package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL with group commit on (issue 16) and one group in flight per tenant and kind, so the clients' single
 * charges, authorizations and settlements are applied in gathered groups when the service is killed: the checks of
 * {@link ServiceCrashTest}, call by call. (Batches sent by clients are killed in {@link ServiceCrashTest}.)
 */
class GroupCommitCrashTest {

    private static final int CLIENTS = 8;
    private static final int KILLS = 2;

    @Test
    void everyAcknowledgedGatheredCallIsAppliedExactlyOnceAcrossKills() throws Exception {
        try (var rig = Rig.start("group-commit-crash", List.of("--aicredits.ledger.group-commit.enabled=true",
                "--aicredits.ledger.group-commit.in-flight=1"))) {
            Random faults = rig.seed.stream(1);
            rig.workload.start(2 * CLIENTS);
            for (int kill = 0; kill < KILLS; kill++) {
                ServiceProcess.pause(Duration.ofMillis(1_000 + faults.nextInt(2_000)));
                rig.service.kill();
                ServiceProcess.pause(Duration.ofMillis(faults.nextInt(500)));
                rig.service.start();
            }
            ServiceProcess.pause(Duration.ofSeconds(1));
            rig.workload.stop();

            long charges = applied(rig, Operation.Kind.CHARGE);
            long authorizations = applied(rig, Operation.Kind.AUTHORIZE);
            long settlements = applied(rig, Operation.Kind.SETTLE);
            assertThat(charges).as("charges applied").isPositive();
            assertThat(authorizations).as("authorizations applied").isPositive();
            assertThat(settlements).as("settlements applied").isPositive();
            int checked = rig.verifyLedger();
            rig.report("group-commit-crash", "%d SIGKILLs with gathered calls in flight, %d charges, %d authorizations and %d settlements applied"
                    .formatted(KILLS, charges, authorizations, settlements), checked);
        }
    }

    private static long applied(Rig rig, Operation.Kind kind) {
        return rig.journal.count(a -> a.operation().kind() == kind && a.outcome().applied());
    }
}

package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL with group commit on (issue 16) and one group in flight per tenant, so the clients' single charges are
 * applied in gathered groups when the service is killed: the checks of {@link ServiceCrashTest}, charge by charge.
 * (Batches sent by clients are killed in {@link ServiceCrashTest}.)
 */
class GroupCommitCrashTest {

    private static final int CLIENTS = 8;
    private static final int KILLS = 2;

    @Test
    void everyAcknowledgedGatheredChargeIsAppliedExactlyOnceAcrossKills() throws Exception {
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

            long charges = rig.journal.count(a -> a.operation().kind() == Operation.Kind.CHARGE && a.outcome().applied());
            assertThat(charges).as("charges applied").isPositive();
            int checked = rig.verifyLedger();
            rig.report("group-commit-crash", "%d SIGKILLs with gathered charges in flight, %d charges applied"
                    .formatted(KILLS, charges), checked);
        }
    }
}

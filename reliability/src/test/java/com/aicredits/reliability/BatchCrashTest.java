package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL with batches of charges in flight (issue 16): clients send batches ({@code POST /consumption/charges})
 * among their other calls, and each batch is sent again after a kill until it is answered. Every acknowledged
 * item must be applied exactly once, no refused item applied, and a replay after the restarts (each item sent
 * again as a single charge) must answer the first outcome: the checks of {@link ServiceCrashTest}, item by item.
 */
class BatchCrashTest {

    private static final int CLIENTS = 8;
    private static final int KILLS = 2;

    @Test
    void everyAcknowledgedBatchItemIsAppliedExactlyOnceAcrossKills() throws Exception {
        try (var rig = Rig.start("batch-crash")) {
            Random faults = rig.seed.stream(1);
            rig.workload.withBatches(40).start(CLIENTS);
            for (int kill = 0; kill < KILLS; kill++) {
                ServiceProcess.pause(Duration.ofMillis(1_000 + faults.nextInt(2_000)));
                rig.service.kill();
                ServiceProcess.pause(Duration.ofMillis(faults.nextInt(500)));
                rig.service.start();
            }
            ServiceProcess.pause(Duration.ofSeconds(1));
            rig.workload.stop();

            long batchItems = rig.journal.count(a -> a.operation().id().contains("-item"));
            assertThat(batchItems).as("batch items answered").isPositive();
            int checked = rig.verifyLedger();
            rig.report("batch-crash", "%d SIGKILLs with batches in flight, %d batch items".formatted(KILLS, batchItems), checked);
        }
    }

    /**
     * The same with group commit on (issue 16) and one group in flight per tenant, so the clients' single charges
     * are applied in gathered groups when the service is killed: the same checks, charge by charge.
     */
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

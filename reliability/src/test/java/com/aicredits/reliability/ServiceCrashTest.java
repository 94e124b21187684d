package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL at random moments under a mixed load of 16 clients, the service restarted each time on the same port.
 * Some of the clients' steps are batches of charges ({@code POST /consumption/charges}, issue 16), each sent again
 * after a kill until it is answered and journalled item by item as single charges; and a {@link WebhookReceiver}
 * takes the deliveries of every credit change. Nothing acknowledged may be lost, nothing applied twice, every retry
 * must get the first answer, and every event of the outbox must reach the receiver, one per change that committed.
 * One scenario for all three, since each kill strikes them all at once (as it would in production), and each
 * scenario's starts and kills are most of the reliability suite's time.
 *
 * <p>Soak mode: {@code -Dfaults.soak.minutes=N} keeps killing for N minutes instead of five times.
 */
class ServiceCrashTest {

    private static final int CLIENTS = 16;
    private static final int KILLS_IN_CI = 5;
    private static final int BATCH_SHARE = 25;

    @Test
    void nothingAcknowledgedIsLostOrAppliedTwiceAndEveryEventIsDeliveredWhenTheServiceIsKilled() throws Exception {
        Duration soak = Duration.ofMinutes(Long.getLong("faults.soak.minutes", 0));
        try (var hooks = WebhookReceiver.start(); var rig = Rig.start("crash", WebhookReceiver.SERVICE_SETTINGS)) {
            hooks.register(rig);
            Random faults = rig.seed.stream(1);
            rig.workload.withBatches(BATCH_SHARE).start(CLIENTS);
            Instant soakEnds = Instant.now().plus(soak);
            var appliedAtKills = new ArrayList<Long>();
            int kills = 0;
            while (soak.isZero() ? kills < KILLS_IN_CI : Instant.now().isBefore(soakEnds)) {
                ServiceProcess.pause(Duration.ofMillis(1_000 + faults.nextInt(3_000)));
                appliedAtKills.add(rig.journal.count(a -> a.outcome().applied()));
                rig.service.kill();
                kills++;
                // Down for a moment: clients meet a refused connection, then a service that is starting.
                ServiceProcess.pause(Duration.ofMillis(faults.nextInt(1_000)));
                rig.service.start();
            }
            ServiceProcess.pause(Duration.ofSeconds(2));
            rig.workload.stop();

            // Each kill struck a service that was serving: clients were acknowledged between any two kills.
            assertThat(appliedAtKills).as("acknowledged operations at each kill").isSorted().doesNotHaveDuplicates();
            assertThat(kills).isGreaterThanOrEqualTo(KILLS_IN_CI);
            long batchItems = rig.journal.count(a -> a.operation().id().contains("-item"));
            assertThat(batchItems).as("batch items answered").isPositive();
            String deliveries = hooks.verify(rig);
            int checked = rig.verifyLedger();
            rig.report("crash", "%d SIGKILLs, %d restarts, %d batch items; %s"
                    .formatted(kills, rig.service.starts() - 1, batchItems, deliveries), checked);
        }
    }
}

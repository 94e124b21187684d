package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL at random moments under a mixed load of 16 clients, the service restarted each time on the same
 * port. Nothing acknowledged may be lost, nothing applied twice, every retry must get the first answer.
 *
 * <p>Soak mode: {@code -Dfaults.soak.minutes=N} keeps killing for N minutes instead of five times.
 */
class ServiceCrashTest {

    private static final int CLIENTS = 16;
    private static final int KILLS_IN_CI = 5;

    @Test
    void nothingAcknowledgedIsLostOrAppliedTwiceWhenTheServiceIsKilled() throws Exception {
        Duration soak = Duration.ofMinutes(Long.getLong("faults.soak.minutes", 0));
        try (var rig = Rig.start("crash")) {
            Random faults = rig.seed.stream(1);
            rig.workload.start(CLIENTS);
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
            int checked = rig.verifyLedger();
            rig.report("crash", "%d SIGKILLs, %d restarts".formatted(kills, rig.service.starts() - 1), checked);
            assertThat(kills).isGreaterThanOrEqualTo(KILLS_IN_CI);
        }
    }
}

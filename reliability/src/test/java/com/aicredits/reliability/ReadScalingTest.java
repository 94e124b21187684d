package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Read scaling (issue 18): the service on a primary with a streaming hot standby named by
 * {@code aicredits.read-replica.url}, under the mixed load on one tenant. On another tenant an admin changes a
 * user's credits and reads the users table at once, over and over: every read shows the change it follows, the
 * standby answers them while it keeps up, the primary while its replay is paused, the standby again once it is
 * resumed, and the primary once the standby is gone, without an error.
 */
class ReadScalingTest {

    private static final int CLIENTS = 16;
    private static final int ROUNDS = 20;
    /**
     * How long reads that began before the standby paused or went away may still be answered by it. Such a read is
     * right to use the standby (it holds everything the primary had when the read began), so the counts of a phase
     * start once those reads are done: the standby pool's connection timeout (1 s) and a query, with room to spare.
     * The workload's own assigns, adds and removes read their runways there too, and CI twice saw one of them
     * counted in the paused phase.
     */
    private static final Duration IN_FLIGHT = Duration.ofSeconds(2);

    @Test
    void heavyReadsGoToAStandbyThatHasCaughtUpAndToThePrimaryOtherwise() throws Exception {
        int standbyPort = FreePort.find();
        var standbyHolder = new AtomicReference<ArchivingDatabase>();
        var settings = List.of("--aicredits.read-replica.url=jdbc:postgresql://localhost:" + standbyPort + "/postgres",
                "--aicredits.read-replica.max-wait=300ms");
        try (var rig = Rig.start("read-scaling", settings, dir -> {
            var primary = ArchivingDatabase.create(dir.resolve("primary"));
            standbyHolder.set(primary.standby(dir.resolve("standby"), standbyPort));
            return primary;
        })) {
            var standby = standbyHolder.get();
            try {
                var admin = Tenant.create(rig.api, rig.service.platformKey(), "reads", 1, new BigDecimal("100000"));
                var reader = new Reader(rig.api, admin);
                rig.workload.start(CLIENTS);

                // A table read is two statements (the count and the page); the counts also hold what else read.
                var caughtUp = reader.rounds(ROUNDS);
                assertThat(caughtUp.onStandby()).as("statements the standby answered while it kept up (of %d)", 2 * ROUNDS)
                        .isGreaterThanOrEqualTo(ROUNDS);

                standby.replay(false);
                ServiceProcess.pause(IN_FLIGHT);
                var paused = reader.rounds(5);
                assertThat(paused.onStandby()).as("statements on the standby while its replay is paused").isZero();
                assertThat(paused.onPrimary()).as("statements on the primary while the standby's replay is paused")
                        .isGreaterThanOrEqualTo(10);

                standby.replay(true);
                var resumed = reader.rounds(5);
                assertThat(resumed.onStandby()).as("statements on the standby once its replay resumed").isPositive();

                standby.close();
                ServiceProcess.pause(IN_FLIGHT);
                var gone = reader.rounds(5);
                assertThat(gone.onStandby()).as("statements on the standby once it is gone").isZero();
                assertThat(gone.onPrimary()).as("statements on the primary once the standby is gone").isGreaterThanOrEqualTo(10);

                rig.workload.stop();
                rig.report("read-scaling", "admin reads after own changes: %s while the standby kept up, %s paused, %s resumed, %s standby gone"
                        .formatted(caughtUp, paused, resumed, gone), rig.verifyLedger());
            } finally {
                standby.close();
            }
        }
    }

    /** Where the heavy reads' statements went during a batch of rounds. */
    private record Rounds(long onStandby, long onPrimary) {
        @Override
        public String toString() {
            return onStandby + " statements on the standby and " + onPrimary + " on the primary";
        }
    }

    /** Adds a credit to the tenant's one user and reads the table back, checking the read shows it. */
    private static final class Reader {
        private final Api api;
        private final Tenant tenant;
        private final UUID user;
        private long assigned;

        Reader(Api api, Tenant tenant) throws IOException {
            this.api = api;
            this.tenant = tenant;
            this.user = tenant.users().getFirst();
            assertThat(api.allocate(tenant.adminKey(), tenant.id(), user, "assign", BigDecimal.ONE, UUID.randomUUID().toString())
                    .status()).isEqualTo(200);
            this.assigned = 1;
        }

        Rounds rounds(int count) throws IOException {
            double standbyBefore = api.metric("aicredits_reads_total", "on=\"standby\"");
            double primaryBefore = api.metric("aicredits_reads_total", "on=\"primary\"");
            for (int i = 0; i < count; i++) {
                var added = api.allocate(tenant.adminKey(), tenant.id(), user, "add", BigDecimal.ONE, UUID.randomUUID().toString());
                assertThat(added.status()).as("add: %s", added.body()).isEqualTo(200);
                assigned++;
                var table = api.users(tenant.adminKey(), tenant.id(), "user1@");
                assertThat(table.status()).as("the users table: %s", table.body()).isEqualTo(200);
                assertThat(table.body().get("items").get(0).get("assigned").decimalValue())
                        .as("the table read right after the add").isEqualByComparingTo(BigDecimal.valueOf(assigned));
                ServiceProcess.pause(Duration.ofMillis(50));
            }
            return new Rounds(Math.round(api.metric("aicredits_reads_total", "on=\"standby\"") - standbyBefore),
                    Math.round(api.metric("aicredits_reads_total", "on=\"primary\"") - primaryBefore));
        }
    }
}

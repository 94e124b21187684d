package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The database server lost under load, on replicated PostgreSQL with automatic failover (pg_auto_failover: a
 * monitor, a primary, a synchronous standby). First the primary's PostgreSQL is SIGKILLed (its keeper restarts it,
 * or the monitor promotes the standby: whichever, the service follows); then, the formation whole again, the
 * primary's node is stopped whole, keeper and all, as when its machine dies, and the standby is promoted. The
 * service is never restarted or reconfigured: its multi-host URL finds the primary. Meanwhile every refusal is a
 * prompt 503, readiness goes down and comes back by itself, and at the end every acknowledged operation is on the
 * new primary exactly once with the figures it was answered with (the same ledger checks as the other fault tests).
 */
class FailoverTest {

    private static final int CLIENTS = 16;
    /** A bound on hanging, not a performance claim. */
    private static final Duration SERVING_AGAIN_WITHIN = Duration.ofSeconds(90);
    private static final Duration REFUSED_WITHIN = Duration.ofSeconds(10);

    /** How long one fault kept the service from serving: the first refusal to the first answer after it. */
    private record Outage(String fault, long refusals, Duration unavailable, Duration servingAgainAfter) {
    }

    @Test
    void noAcknowledgedOperationIsLostWhenThePrimaryDies() throws Exception {
        try (var rig = Rig.start("failover", List.of(), dir -> FailoverCluster.create(dir.resolve("cluster")))) {
            var cluster = rig.database;
            rig.workload.start(CLIENTS);
            ServiceProcess.pause(Duration.ofSeconds(3));

            var first = fault(rig, "SIGKILL of the primary's PostgreSQL", () -> cluster.killPostgres(cluster.primary().orElseThrow()));
            cluster.awaitReplicated();
            ServiceProcess.pause(Duration.ofSeconds(3));
            var before = cluster.primary().orElseThrow();
            var second = fault(rig, "the primary's node stopped whole", () -> cluster.stopNode(before));
            var after = cluster.primary().orElseThrow();
            ServiceProcess.pause(Duration.ofSeconds(3));
            rig.workload.stop();

            // Holds live 3 s and the sweeper looks every second: on the new primary it still releases them.
            ServiceProcess.pause(Duration.ofSeconds(5));
            try (var db = cluster.connect(); var rs = db.createStatement().executeQuery("""
                    select count(*) from consumption_requests
                     where status = 'AUTHORIZED' and expires_at < now() - interval '3 seconds'""")) {
                rs.next();
                assertThat(rs.getLong(1)).as("holds expired seconds ago and not released").isZero();
            }
            assertThat(after).as("the standby was promoted").isNotEqualTo(before);
            assertThat(rig.service.starts()).as("the service was never restarted by hand").isEqualTo(1);
            assertThat(rig.service.probe("/actuator/health/readiness")).as("readiness after the failover").isEqualTo(200);
            assertThat(rig.api.failures()).as("every server error is a prompt 503 with problem details")
                    .allSatisfy(failure -> {
                        assertThat(failure.status()).as("%s", failure).isEqualTo(503);
                        assertThat(failure.code()).as("%s", failure).isEqualTo("UNAVAILABLE");
                        assertThat(failure.elapsed()).as("%s", failure).isLessThan(REFUSED_WITHIN);
                    });
            int checked = rig.verifyLedger();
            rig.report("failover", List.of(first, second).stream().map(o -> "%s: %d refusals (503) over %d ms, serving again %d ms after the fault"
                    .formatted(o.fault(), o.refusals(), o.unavailable().toMillis(), o.servingAgainAfter().toMillis()))
                    .reduce((a, b) -> a + "; " + b).orElseThrow(), checked);
        }
    }

    /** Strikes, then waits until a balance is answered again and readiness is back, without touching the service. */
    private static Outage fault(Rig<FailoverCluster> rig, String name, Runnable strike) throws java.io.IOException {
        int refusalsBefore = rig.api.failures().size();
        Instant struck = Instant.now();
        strike.run();
        ServiceProcess.pause(Duration.ofMillis(500));
        while (rig.api.balance(rig.tenant.consumeKey(), rig.tenant.id(), rig.tenant.users().getFirst()).status() != 200
                || rig.service.probe("/actuator/health/readiness") != 200) {
            assertThat(Duration.between(struck, Instant.now())).as("serving again after %s", name).isLessThan(SERVING_AGAIN_WITHIN);
            ServiceProcess.pause(Duration.ofMillis(100));
        }
        var servingAgain = Duration.between(struck, Instant.now());
        var failures = List.copyOf(rig.api.failures());
        var refusals = failures.subList(refusalsBefore, failures.size());
        Duration unavailable = refusals.isEmpty() ? Duration.ZERO
                : Duration.ofNanos(refusals.getLast().sentAt() - refusals.getFirst().sentAt());
        return new Outage(name, refusals.size(), unavailable, servingAgain);
    }
}

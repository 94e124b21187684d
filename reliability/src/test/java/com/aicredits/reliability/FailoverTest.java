package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The database server lost under load, on replicated PostgreSQL with automatic failover (pg_auto_failover: a
 * monitor, a primary, a synchronous standby). First the primary's PostgreSQL is SIGKILLed (its keeper restarts it,
 * or the monitor promotes the standby: whichever, the service follows); then, the formation whole again, the
 * primary's node is stopped whole, keeper and all, as when its machine dies, and the standby is promoted. The
 * service is never restarted or reconfigured: its multi-host URL finds the primary. Meanwhile every refusal is a
 * prompt 503, readiness goes down and comes back by itself, an admin's page left open hears the changes made after
 * each failover (the live updates' LISTEN connection found the new primary), and at the end every acknowledged
 * operation is on the new primary exactly once with the figures it was answered with (the same ledger checks as
 * the other fault tests).
 */
class FailoverTest {

    private static final int CLIENTS = 16;
    /** A bound on hanging, not a performance claim. */
    private static final Duration SERVING_AGAIN_WITHIN = Duration.ofSeconds(90);
    private static final Duration REFUSED_WITHIN = Duration.ofSeconds(10);
    /** The live channel reconnects within seconds of the database coming back; a change is published within 200 ms. */
    private static final Duration HEARD_WITHIN = Duration.ofSeconds(15);
    private static final String PASSWORD = "failover-live-page-7";

    /** How long one fault kept the service from serving: the first refusal to the first answer after it. */
    private record Outage(String fault, long refusals, Duration unavailable, Duration servingAgainAfter) {
    }

    @Test
    void noAcknowledgedOperationIsLostWhenThePrimaryDies() throws Exception {
        try (var rig = Rig.start("failover", List.of(), dir -> FailoverCluster.create(dir.resolve("cluster")))) {
            var cluster = rig.database;
            // A tenant of its own for the page, so its changes stay out of the workload's ledger checks.
            var live = Tenant.create(rig.api, rig.service.platformKey(), "failover-live", 1, new BigDecimal("1000"));
            rig.api.registerAdmin(live.adminKey(), live.id(), "Live Page", "live@faults.example", PASSWORD);
            assertThat(rig.api.allocate(live.adminKey(), live.id(), live.users().getFirst(), "assign", BigDecimal.ONE,
                    UUID.randomUUID().toString()).status()).isEqualTo(200);
            try (var page = LivePage.open(rig.service.uri(), live.id(), "live@faults.example", PASSWORD)) {
                assertThat(changeIsHeard(rig, live, page)).as("a change heard on the open page before any fault").isTrue();
                rig.workload.start(CLIENTS);
                ServiceProcess.pause(Duration.ofSeconds(3));

                var first = fault(rig, "SIGKILL of the primary's PostgreSQL", () -> cluster.killPostgres(cluster.primary().orElseThrow()));
                assertThat(changeIsHeard(rig, live, page)).as("a change heard on the open page after the first fault").isTrue();
                cluster.awaitReplicated();
                ServiceProcess.pause(Duration.ofSeconds(3));
                var before = cluster.primary().orElseThrow();
                var second = fault(rig, "the primary's node stopped whole", () -> cluster.stopNode(before));
                var after = cluster.primary().orElseThrow();
                assertThat(changeIsHeard(rig, live, page)).as("a change heard on the open page after the failover").isTrue();
                finish(rig, first, second, before, after);
            }
        }
    }

    /** After the faults: holds still released, nothing but prompt 503s, and the ledger checks on the new primary. */
    private static void finish(Rig<FailoverCluster> rig, Outage first, Outage second, FailoverCluster.Node before,
            FailoverCluster.Node after)
            throws Exception {
        var cluster = rig.database;
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

    /**
     * An add made now through the admin API is heard on the open page: the live channel works on today's primary. The
     * add is retried with the same Idempotency-Key after a 503, as API.md tells every client to: just after serving
     * again, a pooled connection that died with the old server may still answer one request with a prompt 503
     * (every such answer is checked in {@link #finish}).
     */
    private static boolean changeIsHeard(Rig<FailoverCluster> rig, Tenant live, LivePage page) throws Exception {
        var user = live.users().getFirst();
        page.forget();
        String key = UUID.randomUUID().toString();
        var added = rig.api.allocate(live.adminKey(), live.id(), user, "add", BigDecimal.ONE, key);
        for (Instant until = Instant.now().plus(REFUSED_WITHIN); added.status() == 503 && Instant.now().isBefore(until); ) {
            ServiceProcess.pause(Duration.ofMillis(200));
            added = rig.api.allocate(live.adminKey(), live.id(), user, "add", BigDecimal.ONE, key);
        }
        assertThat(added.status()).as("an add after the fault: %s", added.body()).isEqualTo(200);
        return page.hears(user.toString(), Instant.now(), HEARD_WITHIN);
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
        // Refusals are recorded as they are answered, not as they were sent: the window is first to last sent.
        var sent = refusals.stream().mapToLong(Api.Failure::sentAt).summaryStatistics();
        Duration unavailable = refusals.isEmpty() ? Duration.ZERO : Duration.ofNanos(sent.getMax() - sent.getMin());
        return new Outage(name, refusals.size(), unavailable, servingAgain);
    }
}

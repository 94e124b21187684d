package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.reliability.Operation.Answered;
import com.aicredits.reliability.Operation.Kind;
import com.aicredits.reliability.Operation.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM with requests in flight: the service finishes them (each gets its answer, none is cut off), then
 * exits within its grace period; after a restart nothing is lost or half-applied.
 *
 * <p>To have requests certainly in flight at the signal, the test itself holds row locks they need (a second
 * tenant's pool for admin operations, one of its users' account for charges) and lets go only after SIGTERM.
 * With group commit, a tenant's charges go to the database a few at a time and the rest wait inside the service
 * for the next group: those are in flight too, and answered like the others. The workload runs on the first tenant
 * meanwhile, meets the shutdown like any client, and retries.
 */
class GracefulShutdownTest {

    private static final int CLIENTS = 8;
    private static final int HELD_EACH = 4;
    /** Spring Boot's default spring.lifecycle.timeout-per-shutdown-phase, which the service keeps. */
    private static final Duration GRACE_PERIOD = Duration.ofSeconds(30);

    @Test
    void requestsInFlightAtSigtermCompleteAndNothingIsLost() throws Exception {
        try (var rig = Rig.start("graceful-shutdown")) {
            var held = rig.tenancy("graceful-shutdown-held", HELD_EACH + 1);

            List<UUID> users = held.tenant().users();
            var inFlight = new ArrayList<Operation>();
            for (int i = 0; i < HELD_EACH; i++) {
                inFlight.add(new Operation(Kind.ADD, "held-add-" + i, users.get(1 + i), 1_000));
                inFlight.add(new Operation(Kind.CHARGE, "held-charge-" + i, users.getFirst(), 250));
            }
            List<CompletableFuture<Optional<Outcome>>> answers;
            long signalledAt;
            try (Connection locks = rig.database.connect()) {
                locks.setAutoCommit(false);
                lock(locks, "select 1 from pools where tenant_id = ? for update", held.tenant().id(), null);
                lock(locks, "select 1 from accounts where tenant_id = ? and user_id = ? for update", held.tenant().id(),
                        users.getFirst());
                // One try each, by hand: the answer must come back on the connection that carried the request.
                answers = inFlight.stream()
                        .map(op -> CompletableFuture.supplyAsync(() -> held.operations().attempt(op, true))).toList();
                awaitInside(rig, locks, inFlight.size());
                // The workload starts only now, so the service's queue of charges held only the held ones above.
                rig.workload.start(CLIENTS);
                ServiceProcess.pause(Duration.ofSeconds(2));

                signalledAt = System.nanoTime();
                rig.service.terminate();
                ServiceProcess.pause(Duration.ofSeconds(1));
                assertThat(rig.service.isAlive()).as("the service waits for its requests in flight").isTrue();
                assertThat(answers).as("no request in flight was cut off").noneMatch(CompletableFuture::isDone);
                locks.commit();
            }
            for (int i = 0; i < inFlight.size(); i++) {
                Optional<Outcome> outcome = answers.get(i).join();
                assertThat(outcome).as("the answer to %s, in flight at SIGTERM", inFlight.get(i)).isPresent();
                assertThat(outcome.get().applied()).as("%s: %s", inFlight.get(i), outcome.get()).isTrue();
                held.journal().record(new Answered(inFlight.get(i), outcome.get(), 1));
            }
            rig.service.awaitExit(GRACE_PERIOD);
            long exitedAfter = Duration.ofNanos(System.nanoTime() - signalledAt).toMillis();

            // Clients that met the closed port retry the same operations once the service is back.
            rig.service.start();
            ServiceProcess.pause(Duration.ofSeconds(2));
            rig.workload.stop();
            int checked = rig.verifyLedger() + rig.verifyLedger(held);
            rig.report("graceful-shutdown", ("SIGTERM with %d requests held in flight, all answered; exited %d ms after "
                    + "the signal; 1 restart").formatted(inFlight.size(), exitedAfter), checked);
        }
    }

    private static void lock(Connection connection, String sql, UUID tenant, UUID user) throws SQLException {
        try (var statement = connection.prepareStatement(sql)) {
            statement.setObject(1, tenant);
            if (user != null) {
                statement.setObject(2, user);
            }
            statement.executeQuery().close();
        }
    }

    /**
     * Until {@code count} requests are inside the service: sessions waiting, directly or behind one another, for
     * the locks {@code holder} has, and charges queued in the service behind them for the next group commit (a
     * tenant's charges go to the database only a few at a time when group commit is on).
     */
    private static void awaitInside(Rig<?> rig, Connection holder, int count) throws SQLException, java.io.IOException {
        int holderPid;
        try (var rs = holder.createStatement().executeQuery("select pg_backend_pid()")) {
            rs.next();
            holderPid = rs.getInt(1);
        }
        for (int poll = 0; poll < 300; poll++) {
            Map<Integer, Set<Integer>> blockers = new HashMap<>();
            try (var rs = holder.createStatement().executeQuery(
                    "select pid, pg_blocking_pids(pid) from pg_stat_activity where wait_event_type = 'Lock'")) {
                while (rs.next()) {
                    blockers.put(rs.getInt(1), Set.of((Integer[]) rs.getArray(2).getArray()));
                }
            }
            Set<Integer> behind = new HashSet<>(Set.of(holderPid));
            for (boolean grew = true; grew; ) {
                grew = false;
                for (var waiting : blockers.entrySet()) {
                    if (!behind.contains(waiting.getKey()) && waiting.getValue().stream().anyMatch(behind::contains)) {
                        grew = behind.add(waiting.getKey());
                    }
                }
            }
            if (behind.size() - 1 + rig.api.metric("aicredits_charges_queued", "") >= count) {
                return;
            }
            ServiceProcess.pause(Duration.ofMillis(50));
        }
        throw new AssertionError("the held requests did not reach the service within 15 s");
    }
}

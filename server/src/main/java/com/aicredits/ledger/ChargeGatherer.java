package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Group commit for single charges (issue 16): concurrent {@code POST /consumption/charge} calls of one tenant are
 * applied together through the batch path ({@link ChargeBatches}), one transaction and a statement per round
 * instead of a commit each. Each item is still decided by the conditional SQL under its account's row lock and
 * answers exactly its own outcome; items of one user apply in arrival order; a refused item answers only itself.
 *
 * <p>Leader/follower, per tenant and actor (a statement stays on one tenant's shard; a batch records one actor):
 * up to {@code in-flight} charges or groups of a tenant run at once. A charge that finds a free place goes at once,
 * alone, by the single statement, so a lone charge never waits. One that finds none queues; when a charge or group
 * in flight finishes, its thread hands its place to the queue: the first waiter leads the next group (up to
 * {@code max-items} of those queued, after waiting at most {@code max-wait} for more), applies it and answers the
 * others.
 *
 * <p>If a group's transaction fails (the database, not a refusal), its items fall back to the single path, each in
 * its own caller's thread, so each gets the answer or error a single charge would have. That is safe: a failed
 * transaction applied nothing, and were its commit's fate unknown, the request ids recorded by a commit that did
 * happen make each single charge answer as a replay, never apply again. Except when the group's transaction got no
 * connection (the database is down, or the pool stayed empty for its whole wait): then each of its charges is
 * answered with that failure at once (503: retry with the same request id; a charge that an earlier transaction of
 * the group did apply then answers as a replay). Falling back would make each wait for a connection a second time:
 * a 503 took 5.9 s in the database-restart test, whose bound is 5 s.
 */
@Service
class ChargeGatherer {

    private static final Logger log = LoggerFactory.getLogger(ChargeGatherer.class);

    private final GroupCommitSettings settings;
    private final Consumption consumption;
    private final ChargeBatches batches;
    private final LedgerMetrics metrics;
    private final ConcurrentHashMap<LaneKey, Lane> lanes = new ConcurrentHashMap<>();

    ChargeGatherer(GroupCommitSettings settings, Consumption consumption, ChargeBatches batches, LedgerMetrics metrics) {
        this.settings = settings;
        this.consumption = consumption;
        this.batches = batches;
        this.metrics = metrics;
    }

    private record LaneKey(TenantId tenant, Actor actor) {
    }

    /** What a queued charge is told: its outcome, to lead a group, or to charge alone (its group failed). */
    private sealed interface Turn {
    }

    private record Answered(Outcome<Settled> outcome) implements Turn {
    }

    private record Lead(List<Waiter> group) implements Turn {
    }

    private record Alone() implements Turn {
    }

    private record Unreachable(RuntimeException failure) implements Turn {
    }

    private record Waiter(ChargeItem item, CompletableFuture<Turn> turn) {
        Waiter(ChargeItem item) {
            this(item, new CompletableFuture<>());
        }
    }

    Outcome<Settled> charge(TenantId tenant, RequestId request, UserId user, String feature, Credits cost, Actor actor) {
        if (!settings.enabled() || user == null || user.value() == null
                || Checks.request(request, feature).or(() -> Checks.cost(cost)).isPresent()) {
            // A malformed charge is refused by the single path; in a group it would make the batch refuse them all.
            return consumption.charge(tenant, request, user, feature, cost, actor);
        }
        var lane = lanes.computeIfAbsent(new LaneKey(tenant, actor), k -> new Lane());
        var me = new Waiter(new ChargeItem(request, user, feature, cost));
        if (lane.arrive(me)) {
            metrics.grouped(1);
            try {
                return consumption.charge(tenant, request, user, feature, cost, actor);
            } finally {
                handOn(lane);
            }
        }
        return switch (me.turn().join()) {
            case Answered answered -> answered.outcome();
            case Lead lead -> lead(lane, tenant, actor, lead.group(), me);
            case Alone alone -> consumption.charge(tenant, request, user, feature, cost, actor);
            case Unreachable unreachable -> throw unreachable.failure();
        };
    }

    /** Applies a group this thread leads (me is its first item) and answers the others; then hands the place on. */
    private Outcome<Settled> lead(Lane lane, TenantId tenant, Actor actor, List<Waiter> group, Waiter me) {
        try {
            lane.fill(group, settings.maxItems(), settings.maxWait().toNanos());
            metrics.grouped(group.size());
            if (group.size() == 1) {
                return consumption.charge(tenant, me.item().requestId(), me.item().userId(), me.item().feature(),
                        me.item().cost(), actor);
            }
            List<Outcome<Settled>> outcomes;
            try {
                outcomes = batches.chargeEach(tenant, group.stream().map(Waiter::item).toList(), actor);
            } catch (CannotCreateTransactionException | CannotGetJdbcConnectionException noConnection) {
                log.warn("a group of {} charges got no connection; each is refused: {}", group.size(), noConnection.toString());
                group.stream().skip(1).forEach(w -> w.turn().complete(new Unreachable(noConnection)));
                throw noConnection;
            } catch (RuntimeException failed) {
                log.warn("a group of {} charges failed; each is charged on its own: {}", group.size(), failed.toString());
                group.stream().skip(1).forEach(w -> w.turn().complete(new Alone()));
                return consumption.charge(tenant, me.item().requestId(), me.item().userId(), me.item().feature(),
                        me.item().cost(), actor);
            }
            for (int i = 1; i < group.size(); i++) {
                group.get(i).turn().complete(new Answered(outcomes.get(i)));
            }
            return outcomes.get(0);
        } finally {
            // Whatever went wrong, nobody of the group is left waiting (complete is a no-op on the answered).
            group.stream().skip(1).forEach(w -> w.turn().complete(new Alone()));
            handOn(lane);
        }
    }

    /** A place is free: the queued charges (up to max-items) become the next group, led by the first of them. */
    private void handOn(Lane lane) {
        var next = lane.next(settings.maxItems());
        if (!next.isEmpty()) {
            next.get(0).turn().complete(new Lead(next));
        }
    }

    /** One tenant's (and actor's) charges: how many are in flight, and those queued for the next group. */
    private final class Lane {

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition arrived = lock.newCondition();
        private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
        private int inFlight;

        /** True if the charge may go at once (a place was free); else it is queued. */
        boolean arrive(Waiter waiter) {
            lock.lock();
            try {
                if (inFlight < settings.inFlight()) {
                    inFlight++;
                    return true;
                }
                queue.add(waiter);
                metrics.queued(1);
                arrived.signal();
                return false;
            } finally {
                lock.unlock();
            }
        }

        /** The next group, which keeps the place just freed; empty (and the place released) if nobody waits. */
        List<Waiter> next(int max) {
            lock.lock();
            try {
                if (queue.isEmpty()) {
                    inFlight--;
                    return List.of();
                }
                var group = new ArrayList<Waiter>(Math.min(max, queue.size()));
                take(group, max);
                return group;
            } finally {
                lock.unlock();
            }
        }

        /** Moves queued charges into the group, up to {@code max} in it; the lock is held. */
        private void take(List<Waiter> group, int max) {
            int before = group.size();
            while (group.size() < max && !queue.isEmpty()) {
                group.add(queue.poll());
            }
            metrics.queued(before - group.size());
        }

        /** Waits at most {@code nanos} for the group to reach {@code max} with later arrivals, and takes them. */
        void fill(List<Waiter> group, int max, long nanos) {
            lock.lock();
            try {
                long left = nanos;
                while (group.size() + queue.size() < max && left > 0) {
                    left = arrived.awaitNanos(left);
                }
                take(group, max);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        }
    }
}

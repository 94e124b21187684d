package com.aicredits.ledger;

import com.aicredits.shared.TenantId;
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
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Group commit (issue 16): concurrent single calls of one kind (charges, authorizations, settlements) of one tenant
 * are applied together, one transaction and one statement per group instead of a commit each. Each item is still
 * decided by its own conditional SQL under its account's row lock and answers exactly its own outcome; a refused
 * item answers only itself.
 *
 * <p>Leader/follower, per tenant and actor (a statement stays on one tenant's shard; a ledger entry records one
 * actor): up to {@code in-flight} calls or groups of a tenant run at once. A call that finds a free place goes at
 * once, alone, by the single statement, so a lone call never waits. One that finds none queues; when a call or group
 * in flight finishes, its thread hands its place to the queue: the first waiter leads the next group (up to
 * {@code max-items} of those queued, after waiting at most {@code max-wait} for more), applies it and answers the
 * others.
 *
 * <p>A group answers each item's outcome, or null for an item it leaves to the single path (one it did not apply,
 * whose answer the single path finds: a refusal's reason, a replay's first outcome). If a group's transaction fails
 * (the database, not a refusal), its items fall back to the single path, each in its own caller's thread, so each
 * gets the answer or error a single call would have. That is safe: a failed transaction applied nothing, and were
 * its commit's fate unknown, the request ids recorded by a commit that did happen make each single call answer as a
 * replay, never apply again. Except when the group's transaction got no connection (the database is down, or the
 * pool stayed empty for its whole wait): then each of its calls is answered with that failure at once (503: retry
 * with the same request id). Falling back would make each wait for a connection a second time: a 503 took 5.9 s in
 * the database-restart test, whose bound is 5 s.
 *
 * @param <I> what one call asks
 * @param <R> what it answers
 */
final class GroupCommit<I, R> {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    /** The single path: one call, its own statement, commit and answer. */
    interface Single<I, R> {
        R apply(TenantId tenant, Actor actor, I item);
    }

    /** The group path: the items' answers in their order, null for one left to the single path. */
    interface Group<I, R> {
        List<R> apply(TenantId tenant, List<I> items, Actor actor);
    }

    private final GroupCommitSettings settings;
    private final String calls;
    private final Single<I, R> single;
    private final Group<I, R> group;
    private final LedgerMetrics.GroupMeters meters;
    private final ConcurrentHashMap<LaneKey, Lane> lanes = new ConcurrentHashMap<>();

    /** {@code calls} names them in the metrics and logs: charges, authorizations, settlements. */
    GroupCommit(GroupCommitSettings settings, LedgerMetrics metrics, String calls, Single<I, R> single, Group<I, R> group) {
        this.settings = settings;
        this.calls = calls;
        this.single = single;
        this.group = group;
        this.meters = metrics.groupMeters(calls);
    }

    private record LaneKey(TenantId tenant, Actor actor) {
    }

    /** What a queued call is told: its answer, to lead a group, or to go alone (its group failed or left it). */
    private sealed interface Turn<I, R> {
    }

    private record Answered<I, R>(R answer) implements Turn<I, R> {
    }

    private record Lead<I, R>(List<Waiter<I, R>> group) implements Turn<I, R> {
    }

    private record Alone<I, R>() implements Turn<I, R> {
    }

    private record Unreachable<I, R>(RuntimeException failure) implements Turn<I, R> {
    }

    private record Waiter<I, R>(I item, CompletableFuture<Turn<I, R>> turn) {
        Waiter(I item) {
            this(item, new CompletableFuture<>());
        }
    }

    /** Applies one well-formed call, in a group when others of its tenant are in flight; else alone. */
    R submit(TenantId tenant, Actor actor, I item) {
        if (!settings.enabled() || TransactionSynchronizationManager.isActualTransactionActive()) {
            // Inside a caller's transaction a group would commit (or roll back) other callers' items with it.
            return single.apply(tenant, actor, item);
        }
        var lane = lanes.computeIfAbsent(new LaneKey(tenant, actor), k -> new Lane());
        var me = new Waiter<I, R>(item);
        if (lane.arrive(me)) {
            meters.grouped(1);
            try {
                return single.apply(tenant, actor, item);
            } finally {
                handOn(lane);
            }
        }
        return switch (me.turn().join()) {
            case Answered<I, R> answered -> answered.answer();
            case Lead<I, R> lead -> lead(lane, tenant, actor, lead.group());
            case Alone<I, R> alone -> single.apply(tenant, actor, item);
            case Unreachable<I, R> unreachable -> throw unreachable.failure();
        };
    }

    /** Applies a group this thread leads (its first item is the leader's) and answers the others; then hands on. */
    private R lead(Lane lane, TenantId tenant, Actor actor, List<Waiter<I, R>> members) {
        try {
            lane.fill(members, settings.maxItems(), settings.maxWait().toNanos());
            meters.grouped(members.size());
            I mine = members.get(0).item();
            if (members.size() == 1) {
                return single.apply(tenant, actor, mine);
            }
            List<R> answers;
            try {
                answers = group.apply(tenant, members.stream().map(Waiter::item).toList(), actor);
            } catch (CannotCreateTransactionException | CannotGetJdbcConnectionException noConnection) {
                log.warn("a group of {} {} got no connection; each is refused: {}", members.size(), calls, noConnection.toString());
                members.stream().skip(1).forEach(w -> w.turn().complete(new Unreachable<>(noConnection)));
                throw noConnection;
            } catch (RuntimeException failed) {
                log.warn("a group of {} {} failed; each goes on its own: {}", members.size(), calls, failed.toString());
                return single.apply(tenant, actor, mine);
            }
            for (int i = 1; i < members.size(); i++) {
                if (answers.get(i) != null) {
                    members.get(i).turn().complete(new Answered<>(answers.get(i)));
                }
            }
            return answers.get(0) != null ? answers.get(0) : single.apply(tenant, actor, mine);
        } finally {
            // Whatever went wrong, nobody of the group is left waiting (complete is a no-op on the answered).
            members.stream().skip(1).forEach(w -> w.turn().complete(new Alone<>()));
            handOn(lane);
        }
    }

    /** A place is free: the queued calls (up to max-items) become the next group, led by the first of them. */
    private void handOn(Lane lane) {
        var next = lane.next(settings.maxItems());
        if (!next.isEmpty()) {
            next.get(0).turn().complete(new Lead<>(next));
        }
    }

    /** One tenant's (and actor's) calls of this kind: how many are in flight, and those queued for the next group. */
    private final class Lane {

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition arrived = lock.newCondition();
        private final ArrayDeque<Waiter<I, R>> queue = new ArrayDeque<>();
        private int inFlight;

        /** True if the call may go at once (a place was free); else it is queued. */
        boolean arrive(Waiter<I, R> waiter) {
            lock.lock();
            try {
                if (inFlight < settings.inFlight()) {
                    inFlight++;
                    return true;
                }
                queue.add(waiter);
                meters.queued(1);
                arrived.signal();
                return false;
            } finally {
                lock.unlock();
            }
        }

        /** The next group, which keeps the place just freed; empty (and the place released) if nobody waits. */
        List<Waiter<I, R>> next(int max) {
            lock.lock();
            try {
                if (queue.isEmpty()) {
                    inFlight--;
                    return List.of();
                }
                var next = new ArrayList<Waiter<I, R>>(Math.min(max, queue.size()));
                take(next, max);
                return next;
            } finally {
                lock.unlock();
            }
        }

        /** Moves queued calls into the group, up to {@code max} in it; the lock is held. */
        private void take(List<Waiter<I, R>> group, int max) {
            int before = group.size();
            while (group.size() < max && !queue.isEmpty()) {
                group.add(queue.poll());
            }
            meters.queued(before - group.size());
        }

        /** Waits at most {@code nanos} for the group to reach {@code max} with later arrivals, and takes them. */
        void fill(List<Waiter<I, R>> group, int max, long nanos) {
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

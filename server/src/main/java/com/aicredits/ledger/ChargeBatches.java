package com.aicredits.ledger;

import com.aicredits.ledger.AdmissionStore.Admission;
import com.aicredits.api.Busy;
import com.aicredits.ledger.ChargeBatchStore.Item;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Many charges in one or two transactions (API.md, "Batch consumption"): the point is throughput, a commit and a
 * handful of round trips for up to a thousand charges instead of one of each per charge. Each item is still
 * decided on its own by the single charge's rule, under its account's row lock, and answers what
 * {@code POST /consumption/charge} would have answered: its own refusal, or the first outcome of its request id.
 *
 * <p>Items are applied in rounds: an item goes in the round after the last earlier item of its user or of its
 * request id, so items of one user apply in the order given and a repeated request id is looked at only once its
 * first occurrence is decided. A batch of distinct users is one round, one statement. Alerts and the live update
 * follow the commit, item by item, as they follow a single charge.
 *
 * <p>At most {@code aicredits.ledger.batch.in-flight} batch calls apply at once on an instance; the others wait
 * their turn here, up to {@code max-wait}, then are refused with {@code 503}. A batch holds a connection and many
 * row locks for a whole transaction: without the limit, 128 concurrent batch calls took every pooled connection,
 * and calls (single charges of other tenants included) were refused after the pool's 2 s wait (BENCHMARKS.md).
 */
@Service
class ChargeBatches {

    private static final Logger log = LoggerFactory.getLogger(ChargeBatches.class);

    /** Races a batch's transactions may lose before its items left are charged one by one (see {@link ChargeBatchStore}). */
    private static final int ATTEMPTS = 3;

    private final ChargeBatchStore store;
    private final RequestStore requests;
    private final Consumption consumption;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final BatchSettings settings;
    private final Semaphore turns;

    ChargeBatches(ChargeBatchStore store, RequestStore requests, Consumption consumption, TransactionTemplate transactions,
            ApplicationEventPublisher events, Clock clock, BatchSettings settings) {
        this.store = store;
        this.requests = requests;
        this.consumption = consumption;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
        this.settings = settings;
        this.turns = new Semaphore(settings.inFlight(), true);
    }

    private record Charged(UserId user, Credits cost, Admission admission) {
    }

    /** One transaction's work: the outcomes by position, what to alert on after its commit, what it left for later. */
    private record Applied(Map<Integer, Outcome<Settled>> results, List<Charged> charged, List<Integer> deferred) {
    }

    /** The items' outcomes in the order given, or the refusal of a malformed batch (then nothing is applied). */
    Outcome<List<Outcome<Settled>>> charge(TenantId tenant, List<ChargeItem> items, Actor actor) {
        var invalid = malformed(items);
        if (invalid.isPresent()) {
            return invalid.get().as();
        }
        var results = inTurn(() -> chargeEach(tenant, items, actor));
        if (results.stream().allMatch(o -> o instanceof Refused<Settled> r && r.reason() == Refusal.NOT_FOUND)
                && !store.tenantExists(tenant)) {
            // Asked only when no item found its user: an unknown tenant is the call's 404, not each item's.
            return Refused.notFound("tenant");
        }
        return Outcome.done(results);
    }

    /**
     * Well-formed items' outcomes in the order given; also the path of a group of single charges
     * ({@link ChargeGatherer}). At most two transactions, each retried alone when it races another (a race commits
     * nothing): the first takes the accounts that are free now (SKIP LOCKED) and applies their items; items of a
     * user whose account another transaction holds wait for the second, which waits for the locks. A batch thus
     * never holds its free accounts while queueing behind another batch: with many batches over overlapping users,
     * holding them made chains of batches wait on each other for whole transactions. Only the racing transaction is
     * run again, never one that committed: its items were answered, and charging them again would answer them as
     * replays of their own first call. A database error other than a race propagates.
     */
    @SuppressWarnings("unchecked")
    List<Outcome<Settled>> chargeEach(TenantId tenant, List<ChargeItem> items, Actor actor) {
        Outcome<Settled>[] results = new Outcome[items.size()];
        List<Integer> pending = java.util.stream.IntStream.range(0, items.size()).boxed().toList();
        boolean wait = false;
        int races = 0;
        while (!pending.isEmpty()) {
            var these = pending;
            boolean waiting = wait;
            Applied applied;
            try {
                applied = transactions.execute(status -> apply(tenant, items, these, actor, waiting));
            } catch (DuplicateKeyException | PessimisticLockingFailureException raced) {
                log.debug("charge batch of {} items raced another transaction (race {}): {}", these.size(), races + 1,
                        raced.getMessage());
                if (++races < ATTEMPTS) {
                    continue;
                }
                // Raced every time: each item left on its own, where a race costs only that item a retry.
                these.forEach(i -> results[i] = consumption.charge(tenant, items.get(i).requestId(),
                        items.get(i).userId(), items.get(i).feature(), items.get(i).cost(), actor));
                break;
            }
            applied.charged().forEach(c -> consumption.charged(tenant, c.user(), c.cost(), c.admission()));
            applied.charged().stream().map(Charged::user).distinct()
                    .forEach(user -> events.publishEvent(new CreditsChanged(tenant, user)));
            applied.results().forEach((position, outcome) -> results[position] = outcome);
            pending = applied.deferred();
            wait = true;
        }
        return Arrays.asList(results);
    }

    /** Runs a batch call once one of the instance's turns is free (fair: first come, first served). */
    private <T> T inTurn(Supplier<T> batch) {
        try {
            if (!turns.tryAcquire(settings.maxWait().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new Busy("the service is applying as many batches as it can; retry with the same requestIds");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("the service is shutting down; retry with the same requestIds");
        }
        try {
            return batch.get();
        } finally {
            turns.release();
        }
    }

    private static Optional<Refused<?>> malformed(List<ChargeItem> items) {
        if (items == null || items.isEmpty() || items.size() > ChargeItem.MAX_PER_BATCH) {
            return Optional.of(Refused.invalid("items", "items has 1 to " + ChargeItem.MAX_PER_BATCH + " charges"));
        }
        for (int i = 0; i < items.size(); i++) {
            var item = items.get(i);
            String at = "items[" + i + "]";
            if (item == null) {
                return Optional.of(Refused.invalid(at, at + " is not a charge"));
            }
            if (item.userId() == null || item.userId().value() == null) {
                return Optional.of(Refused.invalid(at + ".userId", at + ".userId is required"));
            }
            var refused = Checks.charge(item.requestId(), item.feature(), item.cost());
            if (refused.isPresent()) {
                var r = refused.get();
                return Optional.of(new Refused<>(r.reason(), at + ": " + r.message(), r.limit(),
                        at + "." + (r.field() == null ? "cost" : r.field())));
            }
        }
        return Optional.empty();
    }

    private Applied apply(TenantId tenant, List<ChargeItem> items, List<Integer> positions, Actor actor, boolean wait) {
        Instant now = Clocks.now(clock);
        var users = positions.stream().map(p -> items.get(p).userId()).distinct().toList();
        var thisPass = new ArrayList<Integer>();
        var later = new ArrayList<Integer>();
        if (wait) {
            store.lockAccounts(tenant, users);
            thisPass.addAll(positions);
        } else {
            var free = store.lockFreeAccounts(tenant, users);
            // An item waits if its account is taken, or an earlier item of its user or request id waits: order holds.
            var waitingUsers = new HashSet<UserId>();
            var waitingRequests = new HashSet<String>();
            for (int p : positions) {
                var item = items.get(p);
                if (!free.contains(item.userId()) || waitingUsers.contains(item.userId())
                        || waitingRequests.contains(item.requestId().value())) {
                    later.add(p);
                    waitingUsers.add(item.userId());
                    waitingRequests.add(item.requestId().value());
                } else {
                    thisPass.add(p);
                }
            }
        }
        var results = new HashMap<Integer, Outcome<Settled>>();
        var charged = new ArrayList<Charged>();
        for (var round : rounds(items, thisPass)) {
            var admitted = store.chargeRound(tenant, round, actor, now);
            for (var item : round) {
                var given = items.get(item.position());
                var a = admitted.get(item.position());
                if (a != null) {
                    charged.add(new Charged(item.user(), given.cost(), a));
                    results.put(item.position(), Outcome.done(new Settled(item.request(), given.cost(), new Credits(a.remaining()), false)));
                } else {
                    results.put(item.position(), notAdmitted(tenant, item));
                }
            }
        }
        return new Applied(results, charged, later);
    }

    /** Read in the batch's transaction, so an earlier item of the batch counts as it would have committed. */
    private Outcome<Settled> notAdmitted(TenantId tenant, Item item) {
        return requests.request(tenant, item.request())
                .map(r -> Consumption.replayCharge(item.request(), item.user(), item.feature(), r))
                .orElseGet(() -> consumption.whyNotAdmitted(tenant, item.user())
                        // The accounts are locked: admissible yet not admitted cannot happen; answer as a single charge's last attempt.
                        .orElseGet(() -> Consumption.exhausted(Credits.ZERO)).as());
    }

    static List<List<Item>> rounds(List<ChargeItem> items) {
        return rounds(items, java.util.stream.IntStream.range(0, items.size()).boxed().toList());
    }

    /** Items grouped so a round has at most one item per user and per request id, each after its predecessors. */
    static List<List<Item>> rounds(List<ChargeItem> items, List<Integer> positions) {
        var rounds = new ArrayList<List<Item>>();
        Map<UserId, Integer> userRound = new HashMap<>();
        Map<String, Integer> requestRound = new HashMap<>();
        for (int i : positions) {
            var c = items.get(i);
            int round = Math.max(userRound.getOrDefault(c.userId(), -1), requestRound.getOrDefault(c.requestId().value(), -1)) + 1;
            userRound.put(c.userId(), round);
            requestRound.put(c.requestId().value(), round);
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(new Item(i, c.requestId(), c.userId(), c.feature(), c.cost().thousandths()));
        }
        return rounds;
    }
}

package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * What an operator watches: how fast credits are spent, why requests are refused, how many holds are open,
 * how many expire, and whether the last reconciliation found drift.
 *
 * <p>{@link Ledger} records an outcome only once its transaction has committed, and never a replay (the
 * same request id answered again), so the counters count what is in the ledger, not how often clients
 * retried. A refusal stores nothing and a retry is decided afresh, so each refusal answered counts.
 *
 * <p>Counters are per instance (Prometheus adds them up across instances). Open holds are not: they are
 * counted in PostgreSQL, so every instance reports the same right number however the traffic was spread,
 * and the count is refreshed in the background so that a scrape never waits for the database.
 */
@Component
class LedgerMetrics {

    private static final Logger log = LoggerFactory.getLogger(LedgerMetrics.class);

    /** The tag values of {@code aicredits.consumption.requests}: what a consumption call did. */
    enum Tally {
        AUTHORIZED, CHARGED, SETTLED, VOIDED, REFUSED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The consumption calls, as the {@code operation} tag of a refusal. */
    enum Operation {
        AUTHORIZE, CHARGE, SETTLE, VOID;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final RequestStore requestStore;
    private final Map<Tally, Counter> requests = new EnumMap<>(Tally.class);
    private final Counter chargedCredits;
    private final Counter settledCredits;
    private final Map<Operation, Map<Refusal, Counter>> refusals = new EnumMap<>(Operation.class);
    private final Counter expired;
    private final Map<String, GroupMeters> groupMeters = new ConcurrentHashMap<>();
    private final Timer reconciliations;
    /** NaN until known: before the first count, and while the database cannot be reached. */
    private volatile double openHolds = Double.NaN;
    /** NaN until the first reconciliation of this instance has run: unknown is not the same as none. */
    private volatile double drifts = Double.NaN;
    private volatile boolean openHoldsFailing;

    LedgerMetrics(MeterRegistry registry, RequestStore requestStore) {
        this.registry = registry;
        this.requestStore = requestStore;
        for (Tally outcome : Tally.values()) {
            requests.put(outcome, Counter.builder("aicredits.consumption.requests")
                    .description("Consumption calls by committed outcome; a replayed request id is not counted again")
                    .tag("outcome", outcome.tag()).register(registry));
        }
        chargedCredits = credits(Tally.CHARGED);
        settledCredits = credits(Tally.SETTLED);
        for (Operation operation : Operation.values()) {
            refusals.put(operation, new ConcurrentHashMap<>());
        }
        // The refusals an alert may watch exist from the start, so rate() sees their first increase.
        for (Operation admission : new Operation[] {Operation.AUTHORIZE, Operation.CHARGE}) {
            for (Refusal reason : new Refusal[] {Refusal.NO_ALLOCATION, Refusal.CREDITS_EXHAUSTED, Refusal.TOO_MANY_IN_FLIGHT}) {
                refusal(admission, reason);
            }
        }
        expired = Counter.builder("aicredits.holds.expired")
                .description("Holds released by the sweeper because they outlived their time-to-live").register(registry);
        Gauge.builder("aicredits.holds.open", this, m -> m.openHolds)
                .description("Authorized requests still holding credits, all tenants, counted in the database")
                .register(registry);
        Gauge.builder("aicredits.reconciliation.drifts", this, m -> m.drifts)
                .description("Drifts found by this instance's last full reconciliation; anything above 0 is a bug")
                .register(registry);
        reconciliations = Timer.builder("aicredits.reconciliation")
                .description("Full reconciliations of every tenant: how many ran and how long they took")
                .register(registry);
    }

    private Counter credits(Tally outcome) {
        return Counter.builder("aicredits.consumption.credits")
                .description("Credits consumed: the costs recorded by settles and charges")
                .tag("outcome", outcome.tag()).register(registry);
    }

    private Counter refusal(Operation operation, Refusal reason) {
        return refusals.get(operation).computeIfAbsent(reason, r -> Counter.builder("aicredits.consumption.refusals")
                .description("Consumption calls refused, by reason; a refusal changes nothing")
                .tag("operation", operation.tag()).tag("reason", r.name()).register(registry));
    }

    // ------------------------------------------------------------------ recorded by the facade, after commit

    Outcome<Authorized> authorized(Outcome<Authorized> result) {
        switch (result) {
            case Outcome.Done<Authorized>(var a) -> {
                if (!a.replayed()) {
                    requests.get(Tally.AUTHORIZED).increment();
                }
            }
            case Refused<?> r -> refused(Operation.AUTHORIZE, r);
        }
        return result;
    }

    Outcome<Settled> charged(Outcome<Settled> result) {
        switch (result) {
            case Outcome.Done<Settled>(var s) -> {
                if (!s.replayed()) {
                    requests.get(Tally.CHARGED).increment();
                    chargedCredits.increment(credits(s.cost()));
                }
            }
            case Refused<?> r -> refused(Operation.CHARGE, r);
        }
        return result;
    }

    /**
     * One kind of call's group commit (issue 16; {@code calls} is charges, authorizations or settlements): the sizes
     * of its groups, one sample per group (1: a call that went alone), and how many calls wait for the next group.
     */
    GroupMeters groupMeters(String calls) {
        return groupMeters.computeIfAbsent(calls, c -> {
            var queued = new AtomicInteger();
            Gauge.builder("aicredits." + c + ".queued", queued, AtomicInteger::get)
                    .description("Single " + c + " inside the service waiting to join the next group (group commit)")
                    .register(registry);
            return new GroupMeters(DistributionSummary.builder("aicredits." + c + ".group.size")
                    .description("Single " + c + " applied together by group commit: one sample per group, its size (1: alone)")
                    .register(registry), queued);
        });
    }

    record GroupMeters(DistributionSummary sizes, AtomicInteger waiting) {

        /** A group is applied. */
        void grouped(int size) {
            sizes.record(size);
        }

        /** Calls joined ({@code +n}) or left ({@code -n}) the queue for the next group. */
        void queued(int change) {
            waiting.addAndGet(change);
        }
    }

    Outcome<Settled> settled(Outcome<Settled> result) {
        switch (result) {
            case Outcome.Done<Settled>(var s) -> {
                if (!s.replayed()) {
                    requests.get(Tally.SETTLED).increment();
                    settledCredits.increment(credits(s.cost()));
                }
            }
            case Refused<?> r -> refused(Operation.SETTLE, r);
        }
        return result;
    }

    Outcome<Voided> voided(Outcome<Voided> result) {
        switch (result) {
            case Outcome.Done<Voided>(var v) -> {
                if (!v.replayed()) {
                    requests.get(Tally.VOIDED).increment();
                }
            }
            case Refused<?> r -> refused(Operation.VOID, r);
        }
        return result;
    }

    private void refused(Operation operation, Refused<?> refused) {
        requests.get(Tally.REFUSED).increment();
        refusal(operation, refused.reason()).increment();
    }

    void holdExpired() {
        expired.increment();
    }

    /** Runs a full reconciliation, timing it, and keeps the number of drifts it found. */
    Reconciliation reconciled(Supplier<Reconciliation> reconciliation) {
        long start = System.nanoTime();
        Reconciliation result = reconciliation.get();
        reconciliations.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        drifts = result.drifts().size();
        return result;
    }

    private static double credits(Credits amount) {
        return amount.thousandths() / 1000.0;
    }

    // ------------------------------------------------------------------ open holds, from the database

    /**
     * A count over the partial index of open holds (a handful of rows, however long the history), every
     * few seconds on each instance; scrapes read the last count.
     */
    @Scheduled(fixedDelayString = "${aicredits.ledger.metrics.open-holds-refresh:5s}")
    void countOpenHolds() {
        try {
            openHolds = requestStore.openHolds();
            openHoldsFailing = false;
        } catch (DataAccessException e) {
            openHolds = Double.NaN;
            if (!openHoldsFailing) {
                log.warn("cannot count open holds (the gauge shows NaN until the database answers): {}", e.getMessage());
                openHoldsFailing = true;
            }
        }
    }
}

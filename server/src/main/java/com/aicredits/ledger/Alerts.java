package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.DatabaseAway;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The tenant's alert thresholds (settings module), each firing once per crossing and re-arming when its
 * figure rises back (SPEC part two, "Alerts and notifications").
 *
 * <p>On the consumption path a crossing is seen from the figures the consuming statement already returns: the
 * figures after, and the figures before (after plus the cost); a hold crosses nothing ({@link Figures#exhausted()}).
 * With the thresholds cached, a charge that crosses nothing costs no query at all. A crossing is claimed with a conditional insert into
 * {@code alert_states}: statements on one account run one after another under its row lock, so only one of
 * many concurrent charges sees the crossing, and the claim makes a second sighting (another instance, a
 * retry) fire nothing. The claim and {@link AlertRaised} share a transaction, so whatever a listener writes in
 * it (a notification, a webhook outbox row) exists exactly when the claim does. The charge itself has
 * already committed: an alert never delays or undoes the work that caused it.
 *
 * <p>Changes that raise figures (assign, add, purchase, grants, bulk, approvals) all run in transactions. Before
 * each commits, what it lifted back above its threshold is re-armed in it ({@link RaisedFigures}), so a charge right
 * after the commit that crosses again fires again. After each commits the user and the pool are queued here and
 * checked against their thresholds every {@code aicredits.alerts.interval} (500 ms) by state, not by crossing: a
 * figure above its threshold re-arms, one at or below fires if it has not. The tenant's total available falls with
 * every charge but is spread over the 128 slots of tenant_totals (V32), so a charge only queues its tenant for that
 * same check.
 *
 * <p>A per-user crossing is claimed just after the charge commits, and those queues live in memory: a crash in
 * between would lose the alert, which {@link AlertSweep} finds and raises.
 */
@Service
class Alerts {

    /** What can fire, with its webhook type; a tenant-wide kind's subject is the tenant id. */
    enum Kind {
        USER_LOW(AlertRaised.USER_LOW_BALANCE, "remaining"),
        USER_EXHAUSTED(AlertRaised.USER_EXHAUSTED, "available"),
        POOL_UNASSIGNED(AlertRaised.POOL_LOW, "unassigned"),
        TENANT_AVAILABLE(AlertRaised.POOL_LOW, "tenantAvailable");

        final String type;
        final String measure;

        Kind(String type, String measure) {
            this.type = type;
            this.measure = measure;
        }
    }

    /** A user's figures at one moment, in thousandths. */
    record Figures(long assigned, long remaining, long held) {
        long available() {
            return remaining - held;
        }

        /**
         * Used up: nothing left of what they were given, so available is at or below zero too. Holds do not count: a
         * hold is an estimate settled within seconds, and counting it told a user whose balance was below the
         * estimate (the Canvas holds 5) that their credits were used up on every question, and re-armed at each
         * settle, where the spec wants one alert per crossing, not one per request.
         */
        boolean exhausted() {
            return remaining <= 0;
        }
    }

    private record Subject(TenantId tenant, UserId user) {
    }

    private static final Logger log = LoggerFactory.getLogger(Alerts.class);

    private final AlertStore store;
    private final AlertThresholds thresholds;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Set<TenantId> tenantsToCheck = ConcurrentHashMap.newKeySet();
    private final Set<Subject> usersToCheck = ConcurrentHashMap.newKeySet();

    Alerts(AlertStore store, AlertThresholds thresholds, TransactionTemplate transactions, ApplicationEventPublisher events,
            Clock clock) {
        this.store = store;
        this.thresholds = thresholds;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
    }

    /** After a consumption statement on one account: fires or re-arms what its before and after figures cross. */
    void consumed(TenantId tenant, UserId user, Figures before, Figures after) {
        var alerts = thresholds.of(tenant);
        if (alerts.tenantAvailableBelowPercent() != null && after.remaining() < before.remaining()) {
            tenantsToCheck.add(tenant);
        }
        if (alerts.userLowPercent() != null && after.assigned() > 0) {
            long threshold = lowThreshold(after.assigned(), alerts.userLowPercent());
            cross(tenant, user, Kind.USER_LOW, before.remaining() <= threshold, after.remaining() <= threshold,
                    after.remaining(), threshold);
        }
        if (alerts.userExhausted()) {
            cross(tenant, user, Kind.USER_EXHAUSTED, before.exhausted(), after.exhausted(), after.available(), 0);
        }
    }

    private void cross(TenantId tenant, UserId user, Kind kind, boolean alarmedBefore, boolean alarmedAfter, long figure,
            long threshold) {
        if (!alarmedBefore && alarmedAfter) {
            fire(tenant, user, kind, figure, threshold);
        } else if (alarmedBefore && !alarmedAfter) {
            rearm(tenant, user.value(), kind);
        }
    }

    /**
     * Re-arms, in the transaction of a change that raised their figures ({@link RaisedFigures}, just before it
     * commits), the users' alerts that are above their threshold again, so a charge right after the commit that
     * crosses again fires. Left to the check after commit, a charge in the next 500 ms found the alert still fired
     * and raised nothing, for good (an outside probe: add 100 to a user at -5, charge 100 at once). The change holds
     * the accounts' rows, so the figures compared are the ones it commits.
     */
    void rearmRaised(TenantId tenant, Set<UserId> users) {
        var alerts = thresholds.of(tenant);
        store.rearmUsers(tenant, users, alerts.userLowPercent(), alerts.userExhausted());
    }

    /** The same for the pool's alerts, after a purchase or credits returned to it. */
    void rearmRaisedPool(TenantId tenant) {
        if (store.anyRecorded(tenant, tenant.value())) {
            checkPool(tenant, Check.REARM_ONLY);
        }
    }

    /** A change in a transaction committed: check the user and the pool by state, soon and off the caller's path. */
    @TransactionalEventListener
    void on(CreditsChanged change) {
        changed(change.tenantId(), change.userId());
    }

    /** Queues a check of the user (when given) and of the tenant's pool. */
    void changed(TenantId tenant, UserId user) {
        tenantsToCheck.add(tenant);
        if (user != null) {
            usersToCheck.add(new Subject(tenant, user));
        }
    }

    /**
     * Runs the queued checks; also what tests call to not wait for the interval. One at a time: a caller returns only
     * once every check queued before its call is done, even one the scheduled run had taken off the queue (a test
     * asserting right after its call otherwise raced the scheduler's alert half written).
     */
    @Scheduled(fixedDelayString = "${aicredits.alerts.interval:500ms}")
    synchronized void check() {
        // Checked against the thresholds as saved now, read once per tenant and run (and kept for the charges that
        // follow): a threshold changed a moment before an admin's change (on any instance) made this check miss the
        // crossing until the sweep, minutes later, or for ever when a purchase lifted the figure back meanwhile.
        var tenants = new HashSet<TenantId>(tenantsToCheck);
        usersToCheck.forEach(subject -> tenants.add(subject.tenant()));
        if (!made(() -> tenants.forEach(thresholds::readNow))) {
            return;
        }
        for (var subject : usersToCheck) {
            usersToCheck.remove(subject);
            if (!made(() -> checkUser(subject.tenant(), subject.user()))) {
                usersToCheck.add(subject);
                return;
            }
        }
        for (var tenant : tenantsToCheck) {
            tenantsToCheck.remove(tenant);
            if (!made(() -> checkPool(tenant, Check.FIRE_OR_REARM))) {
                tenantsToCheck.add(tenant);
                return;
            }
        }
    }

    /**
     * Runs a queued check; false when the database is away, and the run stops there with the check queued again:
     * run on, it waited for a connection (2 s) once per queued check and dropped each. Any other failure is logged and
     * the check dropped, as {@link #guarded}.
     */
    private static boolean made(Runnable check) {
        try {
            check.run();
            return true;
        } catch (RuntimeException e) {
            if (DatabaseAway.explains(e)) {
                log.warn("Alert checks wait for the database: {}", e.getMessage());
                return false;
            }
            log.warn("Could not record an alert: {}", e.toString());
            return true;
        }
    }

    /** A user found in an alert's state with no alert recorded ({@link AlertSweep}): checked with fresh thresholds. */
    void recheckUser(TenantId tenant, UserId user) {
        thresholds.forget(tenant); // the state in the database decides, so the thresholds too are read fresh
        guarded(() -> checkUser(tenant, user));
    }

    /** The same for a pool. */
    void recheckPool(TenantId tenant) {
        thresholds.forget(tenant);
        guarded(() -> checkPool(tenant, Check.FIRE_OR_REARM));
    }

    private void checkUser(TenantId tenant, UserId user) {
        var figures = store.user(tenant, user);
        if (figures.isEmpty()) {
            return;
        }
        var f = figures.get();
        var alerts = thresholds.of(tenant);
        if (alerts.userLowPercent() != null) {
            long threshold = lowThreshold(f.assigned(), alerts.userLowPercent());
            state(tenant, user, user.value(), Kind.USER_LOW, f.active() && f.assigned() > 0 && f.remaining() <= threshold,
                    f.remaining(), threshold, Check.FIRE_OR_REARM);
        }
        if (alerts.userExhausted()) {
            var now = new Figures(f.assigned(), f.remaining(), f.held());
            state(tenant, user, user.value(), Kind.USER_EXHAUSTED, f.active() && now.exhausted(), now.available(), 0,
                    Check.FIRE_OR_REARM);
        }
    }

    private void checkPool(TenantId tenant, Check check) {
        var figures = store.pool(tenant);
        if (figures.isEmpty()) {
            return;
        }
        var p = figures.get();
        var alerts = thresholds.of(tenant);
        if (alerts.poolUnassignedBelow() != null) {
            long threshold = alerts.poolUnassignedBelow().thousandths();
            state(tenant, null, tenant.value(), Kind.POOL_UNASSIGNED, p.purchased() > 0 && p.unassigned() < threshold,
                    p.unassigned(), threshold, check);
        }
        if (alerts.tenantAvailableBelowPercent() != null) {
            long threshold = lowThreshold(p.purchased(), alerts.tenantAvailableBelowPercent());
            state(tenant, null, tenant.value(), Kind.TENANT_AVAILABLE, p.purchased() > 0 && p.available() < threshold,
                    p.available(), threshold, check);
        }
    }

    /**
     * What a check by state does: fire or re-arm (after commit, in its own transactions), or only re-arm (in the
     * transaction of a change, where a failure must fail the change rather than be logged and leave it aborted).
     */
    private enum Check { FIRE_OR_REARM, REARM_ONLY }

    private void state(TenantId tenant, UserId user, UUID subject, Kind kind, boolean alarmed, long figure, long threshold,
            Check check) {
        if (check == Check.REARM_ONLY) {
            if (!alarmed) {
                store.rearm(tenant, subject, kind);
            }
        } else if (alarmed) {
            fire(tenant, user, kind, figure, threshold);
        } else {
            rearm(tenant, subject, kind);
        }
    }

    private void fire(TenantId tenant, UserId user, Kind kind, long figure, long threshold) {
        UUID subject = user == null ? tenant.value() : user.value();
        guarded(() -> transactions.executeWithoutResult(tx -> {
            Instant now = Clocks.now(clock);
            if (store.claim(tenant, subject, kind, figure, threshold, now)) {
                events.publishEvent(new AlertRaised(tenant, user, kind.type, kind.measure, new Credits(figure),
                        new Credits(threshold), now));
            }
        }));
    }

    private void rearm(TenantId tenant, UUID subject, Kind kind) {
        guarded(() -> store.rearm(tenant, subject, kind));
    }

    /** An alert that cannot be recorded (the database away) is logged: the change that caused it stands. */
    private static void guarded(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            log.warn("Could not record an alert: {}", e.toString());
        }
    }

    /** percent of assigned, in thousandths, without overflow for any assigned a pool can hold. */
    static long lowThreshold(long assigned, int percent) {
        return assigned / 100 * percent + assigned % 100 * percent / 100;
    }
}

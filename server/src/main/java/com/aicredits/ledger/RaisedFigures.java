package com.aicredits.ledger;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Gathers what a transaction raised ({@link FiguresRaised}) and has {@link Alerts} re-arm it once, just before the
 * transaction commits: a month start's batch of 100 grants or a bulk change of 10,000 users costs one statement, not
 * a lookup and a check per user (BENCHMARKS.md, "Alerts re-armed by the change").
 */
@Component
class RaisedFigures {

    private final Alerts alerts;

    RaisedFigures(Alerts alerts) {
        this.alerts = alerts;
    }

    @EventListener
    void on(FiguresRaised raised) {
        // Every publisher runs in a transaction; without one there is nothing to join, and the check after the
        // change (CreditsChanged) still re-arms, only later.
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        var pending = (Pending) TransactionSynchronizationManager.getResource(this);
        if (pending == null) {
            pending = new Pending();
            TransactionSynchronizationManager.bindResource(this, pending);
            TransactionSynchronizationManager.registerSynchronization(pending);
        }
        pending.add(raised);
    }

    private final class Pending implements TransactionSynchronization {
        private final Map<TenantId, Set<UserId>> users = new HashMap<>();
        private final Set<TenantId> pools = new HashSet<>();

        void add(FiguresRaised raised) {
            if (raised.user() == null) {
                pools.add(raised.tenant());
            } else {
                users.computeIfAbsent(raised.tenant(), tenant -> new HashSet<>()).add(raised.user());
            }
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            users.forEach(alerts::rearmRaised);
            pools.forEach(alerts::rearmRaisedPool);
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(RaisedFigures.this);
        }
    }
}

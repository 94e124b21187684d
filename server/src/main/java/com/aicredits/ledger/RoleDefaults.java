package com.aicredits.ledger;

import com.aicredits.directory.UserRegistered;
import com.aicredits.settings.TenantSettings;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A user registered with a role that has a default allowance gets it at once, whichever way they were registered.
 *
 * <p>Two steps. The allowance is stored inside the registration's transaction, so it commits with the user or not
 * at all. The current period is granted right after that commits, in a transaction of its own: not inside the
 * registration's, so that no registration waits for the pool lock (a grant takes it) while holding what it wrote:
 * with the totals' slots of V4, a period job batch holding the pool lock waited for those, a deadlock. An instance
 * dying between the two commits leaves a stored allowance with no grant for the period, which is exactly what the
 * period job grants on its next run: the user still gets it, at most a job interval later, and once.
 */
@Component
class RoleDefaults {

    private final TenantSettings settings;
    private final Allowances allowances;
    private final TransactionTemplate ownTransaction;

    RoleDefaults(TenantSettings settings, Allowances allowances, PlatformTransactionManager transactions) {
        this.settings = settings;
        this.allowances = allowances;
        this.ownTransaction = new TransactionTemplate(transactions);
        // After commit the finished transaction is still bound to the thread: REQUIRED would join it and never commit.
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @EventListener
    void store(UserRegistered registered) {
        settings.roleDefault(registered.tenantId(), registered.role()).ifPresent(terms -> allowances.store(
                registered.tenantId(), registered.userId(), terms, "default allowance of the role " + registered.role(),
                Allowances.ACTOR));
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void grant(UserRegistered registered) {
        if (settings.roleDefault(registered.tenantId(), registered.role()).isPresent()) {
            ownTransaction.executeWithoutResult(tx -> allowances.grantCurrent(registered.tenantId(), registered.userId()));
        }
    }
}

package com.aicredits.ledger;

import com.aicredits.directory.UserRegistered;
import com.aicredits.settings.TenantSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A user registered with a role that has a default allowance gets it at once, whichever way they were registered:
 * the allowance is set, and the current period granted, right after the registration commits, in a transaction of
 * its own. Not inside the registration's: that holds the new user's slot of tenant_totals (V4) and would then wait
 * for the pool lock, while a period job batch holding the pool lock may wait for that slot: a deadlock. The price:
 * an instance dying between the two commits leaves the user registered without the default (set it by hand).
 */
@Component
class RoleDefaults {

    private static final Logger log = LoggerFactory.getLogger(RoleDefaults.class);

    private final TenantSettings settings;
    private final Allowances allowances;
    private final TransactionTemplate ownTransaction;

    RoleDefaults(TenantSettings settings, Allowances allowances, PlatformTransactionManager transactions) {
        this.settings = settings;
        this.allowances = allowances;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(UserRegistered registered) {
        settings.roleDefault(registered.tenantId(), registered.role()).ifPresent(terms -> ownTransaction.executeWithoutResult(tx -> {
            var result = allowances.set(registered.tenantId(), registered.userId(), terms,
                    "default allowance of the role " + registered.role(), Allowances.ACTOR);
            if (result instanceof com.aicredits.shared.Refused<?> refused) {
                // Cannot happen for a user just registered (active, in the tenant); the registration still stands.
                log.warn("role default allowance not set for {}: {}", registered.userId(), refused.message());
            }
        }));
    }
}

package com.aicredits.ledger;

import com.aicredits.directory.UserRegistered;
import com.aicredits.settings.TenantSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * A user registered with a role that has a default allowance gets it at once, whichever way they were registered:
 * the allowance is set, and the current period granted, inside the registering transaction.
 */
@Component
class RoleDefaults {

    private static final Logger log = LoggerFactory.getLogger(RoleDefaults.class);

    private final TenantSettings settings;
    private final Allowances allowances;

    RoleDefaults(TenantSettings settings, Allowances allowances) {
        this.settings = settings;
        this.allowances = allowances;
    }

    @EventListener
    void on(UserRegistered registered) {
        settings.roleDefault(registered.tenantId(), registered.role()).ifPresent(terms -> {
            var result = allowances.set(registered.tenantId(), registered.userId(), terms,
                    "default allowance of the role " + registered.role(), Allowances.ACTOR);
            if (result instanceof Refused refused) {
                // Cannot happen for a user just registered (active, in the tenant); the registration still stands.
                log.warn("role default allowance not set for {}: {}", registered.userId(), refused.message());
            }
        });
    }
}

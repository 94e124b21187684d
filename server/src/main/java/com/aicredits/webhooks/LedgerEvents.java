package com.aicredits.webhooks;

import com.aicredits.directory.Directory;
import com.aicredits.directory.User;
import com.aicredits.ledger.CreditsMoved;
import com.aicredits.ledger.PoolShort;
import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The ledger's changes as webhook events. Synchronous listeners: they run inside the publisher's transaction, so
 * the outbox row commits or rolls back with the entry it describes. A tenant without a subscriber costs one cache
 * look-up and nothing else.
 */
@Component
class LedgerEvents {

    private final Webhooks webhooks;
    private final Directory directory;

    LedgerEvents(Webhooks webhooks, Directory directory) {
        this.webhooks = webhooks;
        this.directory = directory;
    }

    @EventListener
    void on(CreditsMoved moved) {
        String type = switch (moved.kind()) {
            case PURCHASED -> EventTypes.PURCHASE_RECORDED;
            case ASSIGNED -> EventTypes.CREDITS_ASSIGNED;
            case ADDED -> EventTypes.CREDITS_ADDED;
            case REMOVED -> EventTypes.CREDITS_REMOVED;
            case ALLOWANCE_GRANTED -> EventTypes.ALLOWANCE_GRANTED;
        };
        if (!webhooks.wants(moved.tenantId(), type)) {
            return;
        }
        var data = new LinkedHashMap<String, Object>();
        data.put("tenantId", moved.tenantId().value().toString());
        if (moved.userId() != null) {
            data.put("userId", moved.userId().value().toString());
            data.put("email", email(moved.tenantId(), moved.userId(), moved.email()));
        }
        data.put("credits", amount(moved.credits()));
        if (moved.userId() != null) {
            data.put("assigned", amount(moved.assigned()));
            data.put("consumed", amount(moved.consumed()));
            data.put("remaining", amount(moved.remaining()));
        }
        data.put("entryId", moved.entryId().toString());
        data.put("actor", moved.actor());
        data.put("note", moved.note());
        if (moved.kind() == CreditsMoved.Kind.PURCHASED) {
            data.put("reference", moved.reference());
        } else if (moved.reference() != null) {
            data.put("period", moved.reference());
        }
        webhooks.record(moved.tenantId(), type, data);
    }

    @EventListener
    void on(PoolShort shortfall) {
        if (!webhooks.wants(shortfall.tenantId(), EventTypes.POOL_SHORT)) {
            return;
        }
        var data = new LinkedHashMap<String, Object>();
        data.put("tenantId", shortfall.tenantId().value().toString());
        data.put("userId", shortfall.userId().value().toString());
        data.put("email", email(shortfall.tenantId(), shortfall.userId(), shortfall.email()));
        data.put("period", shortfall.period());
        data.put("due", amount(shortfall.due()));
        data.put("granted", amount(shortfall.granted()));
        data.put("shortfall", amount(shortfall.shortfall()));
        data.put("unassigned", amount(shortfall.unassigned()));
        webhooks.record(shortfall.tenantId(), EventTypes.POOL_SHORT, (Map<String, Object>) data);
    }

    private String email(TenantId tenant, UserId user, String known) {
        return known != null ? known : directory.user(tenant, user).map(User::email).orElse(null);
    }

    private static Object amount(Credits credits) {
        return credits == null ? null : credits.toBigDecimal();
    }
}

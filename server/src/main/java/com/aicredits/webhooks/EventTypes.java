package com.aicredits.webhooks;

import java.util.List;
import java.util.Set;

/** The event types an endpoint may subscribe to (SPEC part two, "Webhooks"), and {@code *} for all of them. */
public final class EventTypes {

    public static final String PURCHASE_RECORDED = "purchase.recorded";
    public static final String CREDITS_ASSIGNED = "credits.assigned";
    public static final String CREDITS_ADDED = "credits.added";
    public static final String CREDITS_REMOVED = "credits.removed";
    public static final String ALLOWANCE_GRANTED = "allowance.granted";
    public static final String POOL_SHORT = "pool.short";
    public static final String TEST = "webhook.test";
    public static final String ALL = "*";

    /** In the order the screens list them. The alert and request types come from the alerts and requests modules. */
    public static final List<String> SUBSCRIBABLE = List.of(PURCHASE_RECORDED, CREDITS_ASSIGNED, CREDITS_ADDED,
            CREDITS_REMOVED, ALLOWANCE_GRANTED, "user.low_balance", "user.exhausted", "pool.low", POOL_SHORT,
            "credit_request.created", "credit_request.approved", "credit_request.declined");

    private static final Set<String> KNOWN = Set.copyOf(SUBSCRIBABLE);

    private EventTypes() {
    }

    /** A type an endpoint may name in its {@code events} (a test event is sent to an endpoint whatever it names). */
    public static boolean subscribable(String type) {
        return ALL.equals(type) || KNOWN.contains(type);
    }

    static boolean recordable(String type) {
        return KNOWN.contains(type) || TEST.equals(type);
    }
}

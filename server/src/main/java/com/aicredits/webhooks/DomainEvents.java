package com.aicredits.webhooks;

import com.aicredits.ledger.AlertRaised;
import com.aicredits.notifications.Notifications;
import com.aicredits.requests.CreditRequestChanged;
import com.aicredits.shared.Credits;
import java.util.LinkedHashMap;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The alerts' and the credit requests' events as webhook events, and a disabled endpoint told to the admins.
 * Synchronous listeners, like {@link LedgerEvents}: each outbox row commits with the change that caused it.
 */
@Component
class DomainEvents {

    private final Webhooks webhooks;
    private final Notifications notifications;

    DomainEvents(Webhooks webhooks, Notifications notifications) {
        this.webhooks = webhooks;
        this.notifications = notifications;
    }

    /** {@code data}: the figure that crossed and the threshold it crossed (API.md, "Webhooks"). */
    @EventListener
    void on(AlertRaised alert) {
        if (!webhooks.wants(alert.tenantId(), alert.type())) {
            return;
        }
        var data = new LinkedHashMap<String, Object>();
        data.put("tenantId", alert.tenantId().value().toString());
        if (alert.userId() != null) {
            data.put("userId", alert.userId().value().toString());
        }
        data.put("measure", alert.measure());
        data.put("figure", amount(alert.figure()));
        data.put("threshold", amount(alert.threshold()));
        webhooks.record(alert.tenantId(), alert.type(), data);
    }

    @EventListener
    void on(CreditRequestChanged changed) {
        if (!webhooks.wants(changed.tenantId(), changed.type())) {
            return;
        }
        var request = changed.request();
        var data = new LinkedHashMap<String, Object>();
        data.put("tenantId", changed.tenantId().value().toString());
        data.put("requestId", request.id().toString());
        data.put("userId", request.userId().value().toString());
        data.put("email", request.email());
        data.put("credits", amount(request.credits()));
        data.put("reason", request.reason());
        data.put("status", request.status().name());
        data.put("granted", amount(request.granted()));
        data.put("note", request.decisionNote());
        data.put("actor", changed.actor());
        webhooks.record(changed.tenantId(), changed.type(), data);
    }

    @EventListener
    void on(WebhookDisabled disabled) {
        notifications.notifyAdmins(disabled.tenantId(), "webhook.disabled", "A webhook endpoint was turned off",
                "Deliveries to " + disabled.url() + " have failed since " + disabled.failingSince()
                        + ", so the endpoint was turned off. Fix the receiver, then turn it on again: its pending deliveries resume.",
                "/app/tenants/" + disabled.tenantId() + "/settings");
    }

    private static Object amount(Credits credits) {
        return credits == null ? null : credits.toBigDecimal();
    }
}

package com.aicredits.webhooks;

import com.aicredits.shared.TenantId;
import java.time.Instant;
import java.util.UUID;

/**
 * An endpoint turned off after failing for {@code aicredits.webhooks.disable-after} (24 hours) without a success,
 * published inside the transaction that disabled it: the tenant's admins are to be told.
 */
public record WebhookDisabled(TenantId tenantId, UUID endpointId, String url, Instant failingSince, Instant at) {
}

/** Webhooks: endpoints an admin registers, events written to an outbox with the change that causes them, signed deliveries (Standard Webhooks) retried until they land. */
@org.springframework.modulith.ApplicationModule(displayName = "Webhooks", allowedDependencies = {"api", "directory", "idempotency", "ledger", "notifications", "requests", "shared"})
package com.aicredits.webhooks;

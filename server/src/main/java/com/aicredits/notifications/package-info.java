/** Notifications: the in-app notification centre (the bell), alert notices and the e-mails that go with them. */
@org.springframework.modulith.ApplicationModule(displayName = "Notifications", allowedDependencies = {"access", "api", "directory", "idempotency", "ledger", "live", "shared"})
package com.aicredits.notifications;

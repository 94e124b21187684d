/** A tenant's settings: its time zone and calendar, alert thresholds, reclaiming on deactivation, role default allowances. */
@org.springframework.modulith.ApplicationModule(displayName = "Settings", allowedDependencies = {"api", "directory", "idempotency", "shared"})
package com.aicredits.settings;

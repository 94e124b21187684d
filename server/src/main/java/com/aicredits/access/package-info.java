/** Who may do what: login sessions for people, hashed API keys for integrations, the per-endpoint rules, the audit trail. */
@org.springframework.modulith.ApplicationModule(displayName = "Access", allowedDependencies = {"api", "directory", "idempotency", "shared"})
package com.aicredits.access;

/** Credit requests: a user asks for more credits, an admin approves (an assign or add from the pool) or declines. */
@org.springframework.modulith.ApplicationModule(displayName = "Credit requests", allowedDependencies = {"access", "api", "directory", "idempotency", "ledger", "live", "notifications", "shared"})
package com.aicredits.requests;

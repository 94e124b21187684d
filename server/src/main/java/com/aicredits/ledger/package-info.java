/** The credit ledger: pools, accounts, holds and the append-only entries every balance is derived from. */
@org.springframework.modulith.ApplicationModule(displayName = "Ledger", allowedDependencies = {"access", "api", "directory", "idempotency", "settings", "shared", "storage"})
package com.aicredits.ledger;

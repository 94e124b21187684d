/** Idempotency-Key handling for the HTTP API: the first response to a key is stored and replayed to retries. */
@org.springframework.modulith.ApplicationModule(displayName = "Idempotency", allowedDependencies = {"api", "shared"})
package com.aicredits.idempotency;

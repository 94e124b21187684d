/** Who exists: tenants and their registered users (name, email, role, active). */
@org.springframework.modulith.ApplicationModule(displayName = "Directory", allowedDependencies = {"api", "idempotency", "shared"})
package com.aicredits.directory;

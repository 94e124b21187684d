/** HTTP conventions every module's API shares: RFC 9457 problem details with a machine-readable code, limits, JSON. */
@org.springframework.modulith.ApplicationModule(displayName = "API conventions", allowedDependencies = {"shared"})
package com.aicredits.api;

/** Live updates: every page showing a tenant's credits hears about each change within a second, by server-sent events. */
@org.springframework.modulith.ApplicationModule(displayName = "Live updates", allowedDependencies = {"directory", "ledger", "shared"})
package com.aicredits.live;

/** A demo tenant in every state at once, for a newcomer's first look (switched on by {@code aicredits.demo.enabled}). */
@org.springframework.modulith.ApplicationModule(displayName = "Demo data", allowedDependencies = {"access", "directory", "ledger", "requests", "settings", "shared", "webhooks"})
package com.aicredits.demo;

/** Who exists: tenants and their registered users (name, email, role, active). */
@org.springframework.modulith.ApplicationModule(displayName = "Directory")
package com.aicredits.directory;

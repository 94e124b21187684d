/** The customer's own directory pushes its users here: SCIM 2.0 provisioning (RFC 7643/7644), through the directory's facade. */
@org.springframework.modulith.ApplicationModule(displayName = "Provisioning", allowedDependencies = {"access", "api", "directory", "shared"})
package com.aicredits.provisioning;

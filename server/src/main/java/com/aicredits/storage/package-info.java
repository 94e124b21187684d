/** Where the data lives: an embedded PostgreSQL under the data directory unless a JDBC URL points elsewhere. */
@org.springframework.modulith.ApplicationModule(displayName = "Storage", allowedDependencies = {})
package com.aicredits.storage;

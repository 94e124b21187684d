/**
 * The shared kernel: the ids and amounts every module speaks in, the outcome of an operation (done or refused), and
 * the few rules every module's input meets alike: text PostgreSQL stores as sent (StorableText), addresses the
 * service may call on a tenant's word (PublicAddresses).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Shared kernel", allowedDependencies = {})
package com.aicredits.shared;

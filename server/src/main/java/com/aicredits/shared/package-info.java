/** The shared kernel: the ids and amounts every module speaks in, and the outcome of an operation (done or refused). */
@org.springframework.modulith.ApplicationModule(displayName = "Shared kernel", allowedDependencies = {})
package com.aicredits.shared;

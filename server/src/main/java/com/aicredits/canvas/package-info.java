/** The Canvas: the reference AI feature, asking a chat model questions that are paid for with the user's credits. */
@org.springframework.modulith.ApplicationModule(displayName = "Canvas", allowedDependencies = {"access", "directory", "ledger", "shared"})
package com.aicredits.canvas;

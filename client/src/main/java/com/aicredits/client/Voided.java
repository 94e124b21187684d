package com.aicredits.client;

/** The hold was released and nothing consumed. */
public record Voided(String requestId, boolean replayed) implements VoidOutcome {
}

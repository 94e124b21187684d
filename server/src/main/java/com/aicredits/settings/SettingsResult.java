package com.aicredits.settings;

/** The outcome of a change of settings: the settings after it, or why it was refused (and nothing changed). */
public sealed interface SettingsResult {

    record Changed(Settings settings) implements SettingsResult {
    }

    /** {@code code} as the API answers it (INVALID_TIME_ZONE, VALIDATION_FAILED, NOT_FOUND), {@code field} the one at fault. */
    record Refused(String code, String field, String message) implements SettingsResult {

        static Refused invalid(String field, String message) {
            return new Refused("VALIDATION_FAILED", field, message);
        }
    }
}

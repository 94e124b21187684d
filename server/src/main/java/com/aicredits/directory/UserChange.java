package com.aicredits.directory;

/**
 * A partial update of a user: null fields stay as they are. Email and external id are changed only by the
 * customer's directory (SCIM), which owns them for the users it provisions.
 */
public record UserChange(String name, Role role, Boolean active, String email, String externalId) {

    public UserChange(String name, Role role, Boolean active) {
        this(name, role, active, null, null);
    }
}

package com.aicredits.directory;

/** What an admin enters to register a user; checked by {@link Directory#register}. */
public record NewUser(String name, String email, Role role, String externalId, String passwordHash) {

    public NewUser(String name, String email, Role role) {
        this(name, email, role, null, null);
    }
}

package com.aicredits.directory;

/**
 * What an admin or the customer's directory enters to register a user; checked by {@link Directory#register}.
 * The password is optional (users of an external identity provider have none) and is hashed before it is stored.
 */
public record NewUser(String name, String email, Role role, String externalId, String password, Source source) {

    public NewUser(String name, String email, Role role, String externalId, String password) {
        this(name, email, role, externalId, password, Source.MANUAL);
    }

    public NewUser(String name, String email, Role role) {
        this(name, email, role, null, null, Source.MANUAL);
    }
}

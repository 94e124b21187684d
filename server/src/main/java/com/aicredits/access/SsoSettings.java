package com.aicredits.access;

import com.aicredits.directory.Role;

/** What an admin sets for single sign-on; checked by {@link SingleSignOn#configure}. */
public record SsoSettings(String issuer, String clientId, String clientSecret, boolean enforced, Role justInTimeRole) {

    /** Never the secret: a record's own toString would print it into any log that prints the settings. */
    @Override
    public String toString() {
        return "SsoSettings[issuer=" + issuer + ", clientId=" + clientId + ", enforced=" + enforced
                + ", justInTimeRole=" + justInTimeRole + "]";
    }
}

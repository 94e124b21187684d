package com.aicredits.access;

import com.aicredits.directory.Role;

/** What an admin sets for single sign-on; checked by {@link SingleSignOn#configure}. */
public record SsoSettings(String issuer, String clientId, ClientSecret clientSecret, boolean enforced,
        Role justInTimeRole) {

    /** With a secret entered (the API's PUT always sends one). */
    public SsoSettings(String issuer, String clientId, String clientSecret, boolean enforced, Role justInTimeRole) {
        this(issuer, clientId, new ClientSecret.Entered(clientSecret), enforced, justInTimeRole);
    }

    /**
     * The client secret of a change: one entered now, or the one already stored. The settings page never shows the
     * stored secret, so its empty field means "keep it"; without that, turning {@code enforced} on would mean
     * fetching the secret from the provider again.
     */
    public sealed interface ClientSecret {

        record Entered(String text) implements ClientSecret {
            @Override
            public String toString() {
                return "Entered[…]";
            }
        }

        record Kept() implements ClientSecret {
        }
    }

    /** Never the secret: a record's own toString would print it into any log that prints the settings. */
    @Override
    public String toString() {
        return "SsoSettings[issuer=" + issuer + ", clientId=" + clientId + ", enforced=" + enforced
                + ", justInTimeRole=" + justInTimeRole + "]";
    }
}

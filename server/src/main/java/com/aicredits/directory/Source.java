package com.aicredits.directory;

/** Where a user came from: entered by an admin, provisioned by the customer's directory (SCIM), or created at a first single sign-on. */
public enum Source {
    MANUAL, SCIM, SSO;

    /** As stored and as the Users tab shows it: "manual", "scim", "sso". */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** As the Users tab shows it. */
    public String display() {
        return this == MANUAL ? "Manual" : name();
    }

    static Source of(String stored) {
        return valueOf(stored.toUpperCase(java.util.Locale.ROOT));
    }
}

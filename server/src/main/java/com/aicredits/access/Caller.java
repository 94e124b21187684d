package com.aicredits.access;

import com.aicredits.directory.Role;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.io.Serializable;
import java.security.Principal;

/**
 * The authenticated caller. {@link #getName()} is the actor the ledger and the audit trail record:
 * "platform", "key:&lt;name&gt;", or the signed-in user's email.
 */
public record Caller(Kind kind, TenantId tenantId, UserId userId, Role role, String name)
        implements Principal, Serializable {

    public enum Kind {
        /** The vendor's billing side: every tenant, every operation. */
        PLATFORM,
        /** An API key with scope admin: what a Customer Admin may do in one tenant. */
        ADMIN_KEY,
        /** An API key with scope consume: the consumption endpoints of one tenant. */
        CONSUME_KEY,
        /** A person signed in to the web UI, with their role in their tenant. */
        USER
    }

    static Caller platform() {
        return new Caller(Kind.PLATFORM, null, null, null, "platform");
    }

    public boolean isPlatform() {
        return kind == Kind.PLATFORM;
    }

    /** An admin key, or a signed-in user with role Admin. */
    public boolean isAdmin() {
        return kind == Kind.ADMIN_KEY || (kind == Kind.USER && role == Role.Admin);
    }

    public boolean belongsTo(TenantId tenant) {
        return isPlatform() || (tenantId != null && tenantId.equals(tenant));
    }

    @Override
    public String getName() {
        return name;
    }
}

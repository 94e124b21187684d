package com.aicredits.provisioning;

import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.types.UserResource;

/** What a SCIM call came to: a user, a page of users, a deactivation, or a refusal that changed nothing. */
public sealed interface ScimOutcome {

    record One(UserResource user, boolean created) implements ScimOutcome {
    }

    record Listed(ListResponse<UserResource> page) implements ScimOutcome {
    }

    record Deactivated() implements ScimOutcome {
    }

    /**
     * RFC 7644 §3.12: an HTTP status, an optional {@code scimType} keyword (invalidFilter, invalidValue,
     * uniqueness, …) and a detail a person can act on.
     */
    record Refused(int status, String scimType, String detail) implements ScimOutcome {
    }
}

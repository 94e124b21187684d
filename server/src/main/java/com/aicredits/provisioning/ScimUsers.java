package com.aicredits.provisioning;

import com.aicredits.directory.User;
import com.unboundid.scim2.common.types.Email;
import com.unboundid.scim2.common.types.Meta;
import com.unboundid.scim2.common.types.Name;
import com.unboundid.scim2.common.types.UserResource;
import java.net.URI;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import tools.jackson.databind.JsonNode;

/**
 * Our users as RFC 7643 User resources ({@link DesiredUser} reads them back). A user has one name and one e-mail
 * here, so a SCIM user's {@code userName} is the e-mail, {@code emails} lists it once (work, primary), and
 * {@code displayName} and {@code name.formatted} both carry the name. The role is one of {@code roles}' values
 * Admin, Planner, Viewer.
 */
final class ScimUsers {

    static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

    private ScimUsers() {
    }

    /** {@code schemas} is optional (clients differ), but when present it lists {@code urn} among strings. */
    static boolean declares(JsonNode schemas, String urn) {
        if (schemas == null) {
            return true;
        }
        if (!schemas.isArray()) {
            return false;
        }
        boolean found = false;
        for (JsonNode schema : schemas) {
            if (!schema.isString()) {
                return false;
            }
            found |= schema.asString().equalsIgnoreCase(urn);
        }
        return found;
    }

    static UserResource resource(User user, URI location) {
        var calendar = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        calendar.setTimeInMillis(user.createdAt().toEpochMilli());
        var resource = new UserResource()
                .setUserName(user.email())
                .setName(new Name().setFormatted(user.name()))
                .setDisplayName(user.name())
                .setEmails(List.of(new Email().setValue(user.email()).setType("work").setPrimary(true)))
                .setActive(user.active())
                // Not marked primary: a client that adds a role (Entra ID's "Add" to roles) then holds two, and the
                // one it added, listed last, is the one that counts (see role()).
                .setRoles(List.of(new com.unboundid.scim2.common.types.Role().setValue(user.role().name())));
        resource.setId(user.id().toString());
        resource.setExternalId(user.externalId());
        resource.setMeta(new Meta().setResourceType("User").setCreated(calendar).setLocation(location));
        return resource;
    }
}

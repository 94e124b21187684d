package com.aicredits.provisioning;

import com.aicredits.directory.User;
import com.unboundid.scim2.common.types.Email;
import com.unboundid.scim2.common.types.Meta;
import com.unboundid.scim2.common.types.Name;
import com.unboundid.scim2.common.types.UserResource;
import com.unboundid.scim2.common.utils.JsonUtils;
import java.net.URI;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TimeZone;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Our users as RFC 7643 User resources ({@link DesiredUser} reads them back). A user has one name and one e-mail
 * here, so a SCIM user's {@code userName} is the e-mail, {@code emails} lists it once (work, primary), and
 * {@code displayName} and {@code name.formatted} both carry the name. The role is one of {@code roles}' values
 * Admin, Planner, Viewer.
 */
final class ScimUsers {

    static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

    /**
     * Attributes a PATCH may not leave unassigned, with the refusal's words: those every User resource has (RFC 7643
     * §3 and §4.1), and those every user here has: an active state, and the one e-mail, which is the userName and
     * which emails lists. A directory that removes them gets a refusal it can log, not a 200 that kept them.
     */
    private static final List<Map.Entry<String, String>> REQUIRED = List.of(
            Map.entry("schemas", "schemas is required and cannot be removed"),
            Map.entry("userName", "userName is required and cannot be removed"),
            Map.entry("emails", "emails lists the user's e-mail, which is their userName, and cannot be removed;"
                    + " replace it to change the e-mail"),
            Map.entry("active", "active is kept for every user and cannot be removed; replace it with false to"
                    + " deactivate the user"));
    /** Attributes the service assigns: a PATCH may not change them (Okta sends the id unchanged, which is fine). */
    private static final List<String> READ_ONLY = List.of("id", "meta");

    /** A name's given part (everything before its last word) and family part (its last word). */
    private static final Pattern NAME_PARTS = Pattern.compile("(.*\\S)\\s+(\\S+)");

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
        var created = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        created.setTimeInMillis(user.createdAt().toEpochMilli());
        var changed = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        changed.setTimeInMillis(user.changedAt().toEpochMilli());
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
        // lastModified: RFC 7643 §3.1, "the same as the value of created" until the user is first changed.
        resource.setMeta(new Meta().setResourceType("User").setCreated(created).setLastModified(changed).setLocation(location));
        return resource;
    }

    /**
     * The resource a PATCH applies to: as served, plus the given and family name read from the one name kept here,
     * so that a patch of one part keeps the other (Entra ID sends name.givenName alone when only that changed in
     * the directory; its create sends displayName, which is the name kept). The family name is taken to be the
     * last word and the given name the words before it: "Augusta Ada King" is Augusta Ada and King, a one-word
     * name is a given name. A user provisioned without a name shows the e-mail, which is no name and has no parts.
     */
    static ObjectNode patchable(User user, URI location) {
        ObjectNode resource = JsonUtils.valueToNode(resource(user, location));
        String name = user.name().strip();
        if (!name.equalsIgnoreCase(user.email())) {
            var parts = NAME_PARTS.matcher(name);
            var nameNode = (ObjectNode) resource.get("name");
            if (parts.matches()) {
                nameNode.put("givenName", parts.group(1)).put("familyName", parts.group(2));
            } else {
                nameNode.put("givenName", name);
            }
        }
        return resource;
    }

    /**
     * Why a PATCH that left {@code before} as {@code after} is refused with scimType mutability (RFC 7644
     * §3.5.2.2: a required attribute removed or unassigned, or a read-only one changed), or empty.
     */
    static Optional<String> mutated(ObjectNode before, ObjectNode after) {
        for (var required : REQUIRED) {
            JsonNode value = after.get(required.getKey());
            // RFC 7643 §2.5: null and an empty list are unassigned, as an absent attribute is.
            if (value == null || value.isNull() || value.isArray() && value.isEmpty()) {
                return Optional.of(required.getValue());
            }
        }
        for (String name : READ_ONLY) {
            if (!Objects.equals(before.get(name), after.get(name))) {
                return Optional.of(name + " is set by the service and cannot be changed");
            }
        }
        return Optional.empty();
    }
}

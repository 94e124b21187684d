package com.aicredits.provisioning;

import com.aicredits.shared.StorableText;
import com.aicredits.directory.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a User resource (a POST or PUT body, or a patched resource) asks of one of our users: the fields this
 * service keeps, null where the resource does not say. An external id "" clears it (the directory keeps a blank
 * one as none).
 */
record DesiredUser(String name, String email, Boolean active, String externalId, Role role) {

    /** The fields asked for, or why the resource cannot become a user ({@code scimType} invalidValue). */
    sealed interface Read {
        record Valid(DesiredUser desired) implements Read {
        }

        record Invalid(String detail) implements Read {
        }
    }

    /**
     * Reads what a POST or PUT body (or a patched resource) asks for. {@code before} is the resource as it was
     * (for a PATCH, {@link ScimUsers#patchable}, with the name's parts): a name is taken from whichever of
     * displayName, name.formatted or the given and family names the client changed, since clients patch only the
     * one they map (Entra ID patches name.givenName alone).
     */
    static Read read(ObjectNode resource, ObjectNode before) {
        if (!ScimUsers.declares(resource.get("schemas"), ScimUsers.USER_SCHEMA)) {
            return new Read.Invalid("schemas, when given, is a list of schema URNs that includes " + ScimUsers.USER_SCHEMA);
        }
        var userName = text(resource.get("userName"));
        if (userName instanceof Invalid invalid) {
            return new Read.Invalid("userName " + invalid.why());
        }
        var externalId = text(resource.get("externalId"));
        if (externalId instanceof Invalid invalid) {
            return new Read.Invalid("externalId " + invalid.why());
        }
        var active = bool(resource.get("active"));
        if (active.isEmpty()) {
            return new Read.Invalid("active is true or false");
        }
        var role = role(resource.get("roles"));
        if (role instanceof Invalid invalid) {
            return new Read.Invalid("roles " + invalid.why());
        }
        var name = name(resource, before);
        if (name instanceof Invalid invalid) {
            return new Read.Invalid(invalid.why());
        }
        var email = primaryEmail(resource.get("emails"));
        if (email instanceof Invalid invalid) {
            return new Read.Invalid("emails " + invalid.why());
        }
        // userName is the e-mail, on every operation; emails only mirrors it (and names it when a body has no
        // userName). Entra ID and Okta map userName from the sign-in name and emails from the mail attribute, which
        // may differ: taking a changed emails as the e-mail renamed the user, and the directory's next lookup by
        // userName found nobody (a probe on December 5: the e-mail flipped between the two on POST, PATCH and PUT).
        String newEmail;
        if (before == null) {
            newEmail = value(userName) != null ? value(userName) : value(email);
        } else {
            newEmail = changed(userName, before.get("userName")) ? value(userName) : null;
        }
        // A PATCH that removes what a user has (RFC 7644 §3.5.2.2: the attribute is then unassigned) changes it:
        // no external id, and without roles the least role, as for a user provisioned without one.
        String newExternalId = value(externalId);
        if (before != null && externalId instanceof Absent && before.hasNonNull("externalId")) {
            newExternalId = "";
        }
        // displayName is the name kept here (name.formatted and the name's parts only mirror it): a PATCH that
        // removes or blanks it and names the person nowhere else leaves them nameless, shown by their e-mail as a
        // user provisioned without a name is. Keeping the old name would answer 200 and ignore the removal.
        String newName = value(name);
        String displayNow = value(text(resource.get("displayName")));
        if (before != null && name instanceof Absent && before.hasNonNull("displayName")
                && (displayNow == null || displayNow.isBlank())) {
            newName = newEmail != null ? newEmail : before.get("userName").asString();
        }
        Role newRole = role instanceof Found<?> found ? (Role) found.value() : null;
        if (before != null && role instanceof Absent) {
            newRole = Role.Viewer;
        }
        return new Read.Valid(new DesiredUser(newName, newEmail, active.get().orElse(null), newExternalId, newRole));
    }

    // A small parse result for one attribute: absent, found, or present but unusable.
    private sealed interface Attr {
    }

    private record Absent() implements Attr {
    }

    private record Found<T>(T value) implements Attr {
    }

    private record Invalid(String why) implements Attr {
    }

    private static String value(Attr attr) {
        return attr instanceof Found<?> found ? (String) found.value() : null;
    }

    private static Attr text(JsonNode node) {
        if (node == null || node.isNull()) {
            return new Absent();
        }
        if (!node.isString()) {
            return new Invalid("is a string");
        }
        // Refused here rather than failing in the database, or stored as something else (StorableText).
        return StorableText.unstorable(node.asString()).<Attr>map(Invalid::new).orElse(new Found<>(node.asString()));
    }

    /** true/false, also as the strings "True"/"False" that Entra ID sends; empty when neither. */
    private static Optional<Optional<Boolean>> bool(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.of(Optional.empty());
        }
        if (node.isBoolean()) {
            return Optional.of(Optional.of(node.asBoolean()));
        }
        if (node.isString()) {
            return switch (node.asString().strip().toLowerCase(Locale.ROOT)) {
                case "true" -> Optional.of(Optional.of(true));
                case "false" -> Optional.of(Optional.of(false));
                default -> Optional.empty();
            };
        }
        return Optional.empty();
    }

    /**
     * The role among {@code roles}: the one marked primary, else the last one listed (an Entra ID "Add" appends
     * the new role after the old). Each value must be Admin, Planner or Viewer (any case).
     */
    private static Attr role(JsonNode roles) {
        if (roles == null || roles.isNull() || (roles.isArray() && roles.isEmpty())) {
            return new Absent();
        }
        List<JsonNode> each = new ArrayList<>();
        if (roles.isArray()) {
            roles.forEach(each::add);
        } else {
            each.add(roles);
        }
        Role chosen = null;
        boolean chosenPrimary = false;
        for (JsonNode entry : each) {
            JsonNode value = entry.isObject() ? entry.get("value") : entry;
            if (value == null || !value.isString()) {
                return new Invalid("are objects whose value is Admin, Planner or Viewer");
            }
            var parsed = Role.parse(value.asString().strip());
            if (parsed.isEmpty()) {
                return new Invalid("value \"" + value.asString() + "\" is not Admin, Planner or Viewer");
            }
            boolean primary = entry.isObject() && bool(entry.get("primary")).flatMap(b -> b).orElse(false);
            if (!chosenPrimary || primary) {
                chosen = parsed.get();
                chosenPrimary = primary;
            }
        }
        return new Found<>(chosen);
    }

    private static Attr name(ObjectNode resource, ObjectNode before) {
        var display = text(resource.get("displayName"));
        JsonNode nameNode = resource.get("name");
        if (nameNode != null && !nameNode.isNull() && !nameNode.isObject()) {
            return new Invalid("name is an object");
        }
        var formatted = nameNode == null || nameNode.isNull() ? new Absent() : text(nameNode.get("formatted"));
        var given = nameNode == null || nameNode.isNull() ? new Absent() : text(nameNode.get("givenName"));
        var family = nameNode == null || nameNode.isNull() ? new Absent() : text(nameNode.get("familyName"));
        for (Attr attr : List.of(display, formatted, given, family)) {
            if (attr instanceof Invalid) {
                return new Invalid("displayName and the parts of name are strings");
            }
        }
        String joined = String.join(" ", java.util.stream.Stream.of(value(given), value(family))
                .filter(s -> s != null && !s.isBlank()).toList());
        var candidates = new ArrayList<String>();
        if (before == null) {
            candidates.add(value(display));
            candidates.add(value(formatted));
            candidates.add(joined);
        } else {
            JsonNode beforeName = before.get("name");
            if (changed(display, before.get("displayName"))) {
                candidates.add(value(display));
            }
            if (changed(formatted, beforeName == null ? null : beforeName.get("formatted"))) {
                candidates.add(value(formatted));
            }
            if (changed(given, beforeName == null ? null : beforeName.get("givenName"))
                    || changed(family, beforeName == null ? null : beforeName.get("familyName"))) {
                candidates.add(joined);
            }
        }
        return candidates.stream().filter(s -> s != null && !s.isBlank()).findFirst()
                .<Attr>map(Found::new).orElse(new Absent());
    }

    /** The primary e-mail's value, else the first one's. */
    private static Attr primaryEmail(JsonNode emails) {
        if (emails == null || emails.isNull() || (emails.isArray() && emails.isEmpty())) {
            return new Absent();
        }
        if (!emails.isArray()) {
            return new Invalid("is a list of objects with a value");
        }
        String first = null;
        for (JsonNode entry : emails) {
            JsonNode value = entry.isObject() ? entry.get("value") : null;
            if (value == null || !value.isString()) {
                return new Invalid("is a list of objects with a value");
            }
            var unstorable = StorableText.unstorable(value.asString());
            if (unstorable.isPresent()) {
                return new Invalid("value " + unstorable.get());
            }
            if (bool(entry.get("primary")).flatMap(b -> b).orElse(false)) {
                return new Found<>(value.asString());
            }
            first = first == null ? value.asString() : first;
        }
        return new Found<>(first);
    }

    private static boolean changed(Attr now, JsonNode before) {
        String was = before == null || before.isNull() || !before.isString() ? null : before.asString();
        return !java.util.Objects.equals(value(now), was);
    }
}

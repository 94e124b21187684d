package com.aicredits.provisioning.web;

import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import io.swagger.v3.oas.annotations.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The attributes a SCIM client asks to see of each user answered (RFC 7644 §3.9): {@code attributes} names the
 * only ones to return, {@code excludedAttributes} ones to leave out, each a comma-separated list of paths such as
 * {@code userName}, {@code name.givenName} or {@code urn:ietf:params:scim:schemas:core:2.0:User:emails}, matched
 * without regard to case. {@code id} and {@code schemas} are always returned. The SCIM library parses the paths.
 */
record ScimAttributes(
        @Parameter(description = "comma-separated attribute paths: return only these (and id and schemas)")
        String attributes,
        @Parameter(description = "comma-separated attribute paths: leave these out (id and schemas stay)")
        String excludedAttributes) {

    private static final String CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
    private static final Set<String> ALWAYS_RETURNED = Set.of("id", "schemas");

    /** A user's attribute, or one sub-attribute of it ({@code sub} null: the whole attribute); lower case. */
    record Named(String attribute, String sub) {
    }

    /** The lists, read; refused with the reason before anything is done when they cannot be followed. */
    Shape shape() throws BadRequestException {
        if (present(attributes) && present(excludedAttributes)) {
            throw BadRequestException.invalidSyntax("attributes and excludedAttributes cannot both be given");
        }
        return new Shape(present(attributes) ? paths("attributes", attributes) : null,
                paths("excludedAttributes", excludedAttributes));
    }

    /**
     * What to keep ({@code wanted}; null: everything) and what to leave out of each user answered. Asked only for
     * attributes of another schema, a client gets the id and schemas alone.
     */
    record Shape(List<Named> wanted, List<Named> left) {

        static final Shape WHOLE = new Shape(null, List.of());

        /** The user as asked for: a user resource as the SCIM library writes it, changed in place. */
        ObjectNode apply(ObjectNode user) {
            if (wanted != null) {
                for (String name : List.copyOf(user.propertyNames())) {
                    String key = name.toLowerCase(Locale.ROOT);
                    var asked = wanted.stream().filter(n -> n.attribute().equals(key)).toList();
                    if (ALWAYS_RETURNED.contains(key) || asked.stream().anyMatch(n -> n.sub() == null)) {
                        continue;
                    }
                    if (asked.isEmpty()) {
                        user.remove(name);
                    } else {
                        var subs = asked.stream().map(Named::sub).toList();
                        eachObject(user.get(name), value -> value.propertyNames().stream()
                                .filter(sub -> !subs.contains(sub.toLowerCase(Locale.ROOT))).toList().forEach(value::remove));
                        if (!user.get(name).isContainer()) {
                            user.remove(name);
                        } else {
                            dropIfEmpty(user, name);
                        }
                    }
                }
            }
            for (Named out : left) {
                for (String name : List.copyOf(user.propertyNames())) {
                    if (!name.equalsIgnoreCase(out.attribute()) || ALWAYS_RETURNED.contains(out.attribute())) {
                        continue;
                    }
                    if (out.sub() == null) {
                        user.remove(name);
                    } else {
                        eachObject(user.get(name), value -> value.propertyNames().stream()
                                .filter(sub -> sub.equalsIgnoreCase(out.sub())).toList().forEach(value::remove));
                        dropIfEmpty(user, name);
                    }
                }
            }
            return user;
        }
    }

    /** An attribute left with nothing in it goes: {@code name} without its sub-attributes, an e-mail without its value. */
    private static void dropIfEmpty(ObjectNode user, String name) {
        if (user.get(name) instanceof ArrayNode values) {
            var kept = values.valueStream().filter(element -> !(element.isObject() && element.isEmpty())).toList();
            values.removeAll().addAll(kept);
        }
        if (user.get(name).isContainer() && user.get(name).isEmpty()) {
            user.remove(name);
        }
    }

    /** The value itself when it is an object (name), or each of its objects (emails, roles). */
    private static void eachObject(JsonNode value, Consumer<ObjectNode> action) {
        if (value instanceof ObjectNode object) {
            action.accept(object);
        } else if (value != null && value.isArray()) {
            value.forEach(element -> eachObject(element, action));
        }
    }

    /**
     * The paths of a list. One of another schema names nothing these users have, so it is dropped; one with a value
     * filter ({@code emails[type eq "work"]}) is refused, as RFC 7644 gives these lists no filters.
     */
    private static List<Named> paths(String parameter, String list) throws BadRequestException {
        var named = new ArrayList<Named>();
        if (!present(list)) {
            return named;
        }
        if (list.replace(",", " ").isBlank()) {
            throw BadRequestException.invalidSyntax(parameter + " names no attribute");
        }
        for (String text : list.split(",")) {
            Path path;
            try {
                path = Path.fromString(text.strip());
            } catch (BadRequestException e) {
                throw BadRequestException.invalidSyntax(parameter + ": \"" + text.strip() + "\" is not an attribute path ("
                        + e.getMessage() + ")");
            }
            if (path.getSchemaUrn() != null && !path.getSchemaUrn().equalsIgnoreCase(CORE_USER) || path.isRoot()) {
                continue;
            }
            if (path.size() > 2 || path.getElement(0).getValueFilter() != null
                    || path.size() == 2 && path.getElement(1).getValueFilter() != null) {
                throw BadRequestException.invalidSyntax(parameter + ": \"" + text.strip()
                        + "\" is not an attribute or sub-attribute (no value filters here)");
            }
            named.add(new Named(path.getElement(0).getAttribute().toLowerCase(Locale.ROOT),
                    path.size() == 2 ? path.getElement(1).getAttribute().toLowerCase(Locale.ROOT) : null));
        }
        return named;
    }

    private static boolean present(String list) {
        return list != null && !list.isBlank();
    }
}

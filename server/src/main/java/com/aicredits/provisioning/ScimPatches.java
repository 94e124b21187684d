package com.aicredits.provisioning;

import com.unboundid.scim2.common.GenericScimResource;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.PatchRequest;
import com.unboundid.scim2.common.utils.JsonUtils;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * RFC 7644 PATCH as the big identity providers actually send it, applied by the SCIM library. Before the
 * library reads the request, the shapes it does not take are brought to the standard's: an operation name in
 * any case ("Replace", "REPLACE", "rePlace"), and (Entra ID) a path-less operation whose value object has
 * attribute paths as keys ({"name.givenName": "Ada"}), which becomes one operation per key. Booleans sent as
 * strings ("False") are read by {@link DesiredUser}.
 */
final class ScimPatches {

    private static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    /** A path quoted back in a refusal is cut here: enough to find it, not a 64 KiB echo. */
    private static final int PATH_SHOWN_MAX = 60;

    private ScimPatches() {
    }

    /** The resource with the patch applied, or the SCIM library's refusal (invalidSyntax, invalidPath, noTarget, …). */
    static ObjectNode apply(ObjectNode resource, JsonNode body) throws ScimException {
        PatchRequest request;
        try {
            request = JsonUtils.getObjectReader().forType(PatchRequest.class).readValue(addsAsReplaces(normalized(body), resource));
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            // The library refuses some operations while reading them (a path more than one level deep): its
            // refusal, which says so in its own words. The parser's message names classes and is for nobody.
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof ScimException refusal) {
                    throw refusal;
                }
            }
            throw BadRequestException.invalidSyntax("the PATCH body is not a SCIM PatchOp request: schemas, and"
                    + " Operations listing objects with op, path and value");
        }
        if (request.getOperations() == null || request.getOperations().isEmpty()) {
            throw BadRequestException.invalidSyntax("a PATCH request lists at least one operation in Operations");
        }
        return request.apply(new GenericScimResource(resource.deepCopy())).getObjectNode();
    }

    static JsonNode normalized(JsonNode body) throws BadRequestException {
        if (body == null || !body.isObject()) {
            throw BadRequestException.invalidSyntax("the PATCH body is a JSON object");
        }
        var copy = (ObjectNode) body.deepCopy();
        if (!ScimUsers.declares(field(copy, "schemas"), PATCH_OP)) {
            throw BadRequestException.invalidSyntax("schemas, when given, is a list of URNs that includes " + PATCH_OP);
        }
        JsonNode operations = operations(copy);
        if (operations == null || !operations.isArray()) {
            throw BadRequestException.invalidSyntax("a PATCH request lists its operations in Operations");
        }
        ArrayNode rewritten = copy.arrayNode();
        for (JsonNode operation : operations) {
            if (!operation.isObject()) {
                throw BadRequestException.invalidSyntax("each operation is an object with op, path and value");
            }
            var op = (ObjectNode) operation;
            JsonNode name = field(op, "op");
            String lower = name == null || !name.isString() ? null : name.asString().strip().toLowerCase(Locale.ROOT);
            if (lower == null || !List.of("add", "replace", "remove").contains(lower)) {
                throw BadRequestException.invalidSyntax("each operation's op is add, replace or remove (in any case)");
            }
            JsonNode path = field(op, "path");
            JsonNode value = field(op, "value");
            if (path != null && !path.isNull() && !path.isString()) {
                throw BadRequestException.invalidPath("path is a string naming an attribute, such as name.givenName");
            }
            String pathText = path == null || path.isNull() ? null : checkedPath(path.asString());
            if (!lower.equals("remove") && pathText == null && value != null && value.isObject() && hasPathKeys(value)) {
                // Entra ID: {"op": "Replace", "value": {"name.givenName": "Ada", "active": false}}
                for (var entry : value.properties()) {
                    rewritten.add(operation(copy, lower, checkedPath(entry.getKey()), entry.getValue()));
                }
            } else {
                rewritten.add(operation(copy, lower, pathText, value));
            }
        }
        ObjectNode result = copy.objectNode();
        result.putArray("schemas").add(PATCH_OP);
        result.set("Operations", rewritten);
        return result;
    }

    /**
     * One operation on a path (already checked) as the library takes it, where a client's form means more than the
     * library reads into it:
     * <ul>
     * <li>Entra ID's single-role mapping, {@code roles[primary eq "True"].value}: the user's role is that value (its
     * removal, no role: a Viewer). Roles are served without {@code primary} (see ScimUsers), so the filter would match
     * nothing.</li>
     * </ul>
     */
    private static ObjectNode operation(ObjectNode factory, String op, String path, JsonNode value)
            throws BadRequestException {
        if (path != null && !op.equals("remove") && PRIMARY_ROLE.matcher(path).matches()) {
            var roles = factory.arrayNode();
            roles.addObject().set("value", value);
            return standard(factory, "replace", "roles", roles);
        }
        if (path != null && op.equals("remove") && PRIMARY_ROLE.matcher(path).matches()) {
            return standard(factory, "remove", "roles", null); // the user's one role goes; they are a Viewer again
        }
        return standard(factory, op, path, value);
    }

    /**
     * An {@code add} to one sub-attribute of a filtered value that the resource has ({@code emails[type eq
     * "work"].value}) replaces it (RFC 7644 §3.5.2.1: "If the target location specifies a single-valued attribute, the
     * existing value is replaced"); the library refuses it as a second value. One the resource lacks stays an add, which
     * the library creates (Entra ID adds phoneNumbers[type eq "work"].value to users who have none).
     */
    private static JsonNode addsAsReplaces(JsonNode normalized, ObjectNode resource) throws ScimException {
        for (JsonNode operation : normalized.get("Operations")) {
            var op = (ObjectNode) operation;
            JsonNode path = op.get("path");
            if (op.get("op").asString().equals("add") && path != null && path.asString().contains("].")
                    && JsonUtils.pathExists(Path.fromString(path.asString()), resource)) {
                op.put("op", "replace");
            }
        }
        return normalized;
    }

    /** Entra ID's path for an application's single role ("True" quoted or not, in any case). */
    private static final Pattern PRIMARY_ROLE =
            Pattern.compile("(?i)roles\\[\\s*primary\\s+eq\\s+(\"true\"|true)\\s*]\\.value");
    /**
     * The core schema's URN, which may prefix any of its attributes' paths (RFC 7644 §3.10:
     * {@code urn:ietf:params:scim:schemas:core:2.0:User:active}); the library would read it as an extension's.
     */
    private static final String CORE_PREFIX = ScimUsers.USER_SCHEMA + ":";

    /**
     * The path, when it is an RFC 7644 attribute path, without the core schema's prefix; why not, in words, where the
     * library's parser would quote JSON (or take an empty path for the whole resource).
     */
    private static String checkedPath(String given) throws BadRequestException {
        String path = given.regionMatches(true, 0, CORE_PREFIX, 0, CORE_PREFIX.length())
                ? given.substring(CORE_PREFIX.length()) : given;
        if (path.isBlank()) {
            throw BadRequestException.invalidPath("path names the attribute to change, such as active or"
                    + " name.givenName; to change several at once, leave path out and give them in value");
        }
        try {
            Path.fromString(path);
            return path;
        } catch (BadRequestException | RuntimeException e) {
            String shown = path.length() > PATH_SHOWN_MAX ? path.substring(0, PATH_SHOWN_MAX) + "…" : path;
            throw BadRequestException.invalidPath("path \"" + shown + "\" is not an attribute path such as"
                    + " name.givenName or emails[type eq \"work\"].value");
        }
    }

    /**
     * One operation as the library takes it. What it carries (RFC 7644 §3.5.2) is checked here, so that a refusal
     * says in words a person can act on what the library would refuse in its own.
     */
    private static ObjectNode standard(ObjectNode factory, String op, String path, JsonNode value)
            throws BadRequestException {
        if (op.equals("replace") && path != null && value != null && value.isNull()) {
            // Null is unassigned (RFC 7643 §2.5): a replace with null is a remove, which the library applies.
            return standard(factory, "remove", path, null);
        }
        if (op.equals("remove")) {
            if (path == null) {
                throw BadRequestException.noTarget("a remove operation names the attribute it removes in its path");
            }
            if (value != null && !value.isNull()) {
                throw BadRequestException.invalidSyntax("a remove operation has no value: its path names what it"
                        + " removes, such as roles[value eq \"Admin\"]");
            }
        } else if (value == null || value.isNull() || value.isObject() && value.isEmpty()) {
            throw BadRequestException.invalidSyntax("an add or replace operation carries a value");
        } else if (path == null && !value.isObject()) {
            throw BadRequestException.invalidSyntax("an operation without a path carries an object of attributes as its value");
        }
        ObjectNode standard = factory.objectNode();
        standard.put("op", op);
        if (path != null) {
            standard.put("path", path);
        }
        if (value != null) {
            standard.set("value", value);
        }
        return standard;
    }

    private static boolean hasPathKeys(JsonNode value) {
        for (var entry : value.properties()) {
            String key = entry.getKey();
            if (key.contains(".") && !key.startsWith("urn:") || key.contains("[")
                    || key.regionMatches(true, 0, CORE_PREFIX, 0, CORE_PREFIX.length())) {
                return true;
            }
        }
        return false;
    }

    /** SCIM attribute names are case-insensitive: Operations, operations, OPERATIONS. */
    private static JsonNode operations(ObjectNode body) {
        return field(body, "Operations");
    }

    private static JsonNode field(ObjectNode node, String name) {
        for (var entry : node.properties()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }
}

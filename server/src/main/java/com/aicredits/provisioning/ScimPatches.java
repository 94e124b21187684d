package com.aicredits.provisioning;

import com.unboundid.scim2.common.GenericScimResource;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.PatchRequest;
import com.unboundid.scim2.common.utils.JsonUtils;
import java.util.Locale;
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

    private ScimPatches() {
    }

    /** The resource with the patch applied, or the SCIM library's refusal (invalidSyntax, invalidPath, noTarget, …). */
    static ObjectNode apply(ObjectNode resource, JsonNode body) throws ScimException {
        PatchRequest request;
        try {
            request = JsonUtils.getObjectReader().forType(PatchRequest.class).readValue(normalized(body));
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            throw BadRequestException.invalidSyntax("the PATCH body is not a SCIM PatchOp request: " + firstLine(e.getMessage()));
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
            if (name == null || !name.isString()) {
                throw BadRequestException.invalidSyntax("each operation names its op: add, replace or remove");
            }
            String lower = name.asString().strip().toLowerCase(Locale.ROOT);
            JsonNode path = field(op, "path");
            JsonNode value = field(op, "value");
            if (!lower.equals("remove") && (path == null || path.isNull()) && value != null && value.isObject()
                    && hasPathKeys(value)) {
                // Entra ID: {"op": "Replace", "value": {"name.givenName": "Ada", "active": false}}
                for (var entry : value.properties()) {
                    ObjectNode single = copy.objectNode();
                    single.put("op", lower);
                    single.put("path", entry.getKey());
                    single.set("value", entry.getValue());
                    rewritten.add(single);
                }
                continue;
            }
            if (lower.equals("replace") && path != null && !path.isNull() && value != null && value.isNull()) {
                // Null is unassigned (RFC 7643 §2.5): a replace with null is a remove, which the library applies.
                lower = "remove";
                value = null;
            }
            ObjectNode standard = copy.objectNode();
            standard.put("op", lower);
            if (path != null && !path.isNull()) {
                standard.set("path", path);
            }
            if (value != null) {
                standard.set("value", value);
            }
            rewritten.add(standard);
        }
        ObjectNode result = copy.objectNode();
        result.putArray("schemas").add(PATCH_OP);
        result.set("Operations", rewritten);
        return result;
    }

    private static boolean hasPathKeys(JsonNode value) {
        for (var entry : value.properties()) {
            if (entry.getKey().contains(".") && !entry.getKey().startsWith("urn:") || entry.getKey().contains("[")) {
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

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}

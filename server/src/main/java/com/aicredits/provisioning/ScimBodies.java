package com.aicredits.provisioning;

import com.unboundid.scim2.common.utils.JsonUtils;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;

/**
 * Reads a SCIM request body with the SCIM library's mapper (case-insensitive attribute names), refusing a
 * name given twice: a proxy or a log may have read the first where we would take the last.
 */
final class ScimBodies {

    private ScimBodies() {
    }

    /** The body's JSON, or empty when it is missing, not JSON, not UTF-8, or repeats a name. */
    static Optional<JsonNode> read(byte[] body) {
        if (body == null || body.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode node = JsonUtils.getObjectReader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
            return Optional.ofNullable(node).filter(n -> !n.isMissingNode());
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }
}

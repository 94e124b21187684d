package com.aicredits.provisioning.web;

import com.aicredits.provisioning.ScimOutcome;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.messages.ErrorResponse;
import com.unboundid.scim2.common.utils.JsonUtils;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.databind.node.ObjectNode;

/** SCIM answers: the outcome as application/scim+json, written by the SCIM library's mapper. */
@Component
class ScimResponses {

    static final String SCIM_JSON_VALUE = "application/scim+json";
    static final MediaType SCIM_JSON = MediaType.parseMediaType(SCIM_JSON_VALUE);

    private final String publicBaseUrl;

    ScimResponses(@Value("${aicredits.public-base-url:}") String publicBaseUrl) {
        this.publicBaseUrl = publicBaseUrl == null ? "" : publicBaseUrl.strip().replaceAll("/+$", "");
    }

    ResponseEntity<String> write(ScimOutcome outcome) {
        return write(outcome, ScimAttributes.Shape.WHOLE);
    }

    /**
     * The outcome of a call whose answer carries users, shaped as the client asked ({@link ScimAttributes}); a list
     * that cannot be followed is refused before the call is made, so a refused create or change changes nothing.
     */
    ResponseEntity<String> write(ScimAttributes asked, Supplier<ScimOutcome> call) {
        ScimAttributes.Shape shape;
        try {
            shape = asked.shape();
        } catch (BadRequestException e) {
            return error(400, "invalidSyntax", e.getMessage());
        }
        return write(call.get(), shape);
    }

    private ResponseEntity<String> write(ScimOutcome outcome, ScimAttributes.Shape shape) {
        return switch (outcome) {
            case ScimOutcome.One one -> {
                var response = ResponseEntity.status(one.created() ? HttpStatus.CREATED : HttpStatus.OK).contentType(SCIM_JSON);
                if (one.created() && one.user().getMeta() != null && one.user().getMeta().getLocation() != null) {
                    response.location(one.user().getMeta().getLocation());
                }
                yield response.body(JsonUtils.getObjectWriter().writeValueAsString(
                        shape.apply(JsonUtils.valueToNode(one.user()))));
            }
            case ScimOutcome.Listed listed -> {
                ObjectNode page = JsonUtils.valueToNode(listed.page());
                page.path("Resources").forEach(user -> shape.apply((ObjectNode) user));
                yield ResponseEntity.ok().contentType(SCIM_JSON).body(JsonUtils.getObjectWriter().writeValueAsString(page));
            }
            case ScimOutcome.Deactivated deactivated -> ResponseEntity.noContent().build();
            case ScimOutcome.Refused refused -> error(refused.status(), refused.scimType(), refused.detail());
        };
    }

    static ResponseEntity<String> error(int status, String scimType, String detail) {
        var error = new ErrorResponse(status);
        error.setScimType(scimType);
        error.setDetail(detail);
        return ResponseEntity.status(status).contentType(SCIM_JSON).body(JsonUtils.getObjectWriter().writeValueAsString(error));
    }

    /** Where a user's resource lives: the configured public address, else this request's own. */
    String usersUrl() {
        String base = publicBaseUrl.isEmpty() ? ServletUriComponentsBuilder.fromCurrentContextPath().toUriString() : publicBaseUrl;
        return base + "/scim/v2/Users";
    }

    /**
     * A body is JSON (application/scim+json, application/json, or another +json type) in UTF-8; anything
     * else is refused with 415 before it is read.
     */
    static Optional<ResponseEntity<String>> unsupported(String contentType) {
        MediaType type;
        try {
            type = contentType == null ? null : MediaType.parseMediaType(contentType);
        } catch (RuntimeException e) {
            type = null;
        }
        boolean json = type != null && type.getType().equalsIgnoreCase("application")
                && (type.getSubtype().equalsIgnoreCase("json") || type.getSubtype().toLowerCase(java.util.Locale.ROOT).endsWith("+json"));
        boolean utf8;
        try {
            utf8 = type == null || type.getCharset() == null || type.getCharset().equals(java.nio.charset.StandardCharsets.UTF_8);
        } catch (RuntimeException unknownCharset) {
            utf8 = false;
        }
        if (json && utf8) {
            return Optional.empty();
        }
        return Optional.of(error(415, null, "the body is application/scim+json (or application/json) in UTF-8"));
    }

    /** An optional integer parameter: empty when malformed, an empty inner optional when absent. */
    static Optional<Optional<Integer>> integer(String text) {
        if (text == null || text.isBlank()) {
            return Optional.of(Optional.empty());
        }
        try {
            return Optional.of(Optional.of(Integer.parseInt(text.strip())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}

package com.aicredits.provisioning.web;

import com.aicredits.access.Caller;
import com.aicredits.provisioning.Provisioning;
import com.aicredits.provisioning.ScimOutcome;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * RFC 7644 Users endpoint for the customer's directory (Entra ID, Okta, Google Workspace, …). The tenant is
 * the scim key's: the paths name none, so a token can reach no other tenant. Bodies are read and written by
 * the SCIM library (application/scim+json), not by the API's JSON conventions, since SCIM attribute names
 * are case-insensitive and providers send fields the API's strict reader would refuse.
 */
@RestController
@RequestMapping("/scim/v2/Users")
@Tag(name = "SCIM 2.0 provisioning", description = "Scope: scim key. RFC 7643/7644 User resources; errors as SCIM error bodies.")
@ScimDocs.EveryCall
@SecurityRequirement(name = "apiKey")
class ScimController {

    private final Provisioning provisioning;
    private final ScimResponses responses;

    ScimController(Provisioning provisioning, ScimResponses responses) {
        this.provisioning = provisioning;
        this.responses = responses;
    }

    @GetMapping
    @ApiResponse(responseCode = "200", description = "a page of users",
            content = @Content(mediaType = ScimResponses.SCIM_JSON_VALUE, schema = @Schema(implementation = ScimDocs.UserList.class)))
    @ScimDocs.BadInput
    @Operation(summary = "Users matching a filter (userName, emails.value, externalId, id: eq co sw ew; active eq; and/or), a page at a time")
    ResponseEntity<String> list(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String filter,
            @Parameter(description = "1-based; below 1 counts as 1", schema = @Schema(type = "integer"))
                    @RequestParam(required = false) String startIndex,
            @Parameter(description = "at most 200", schema = @Schema(type = "integer", minimum = "0", maximum = "200"))
                    @RequestParam(required = false) String count,
            @ParameterObject ScimAttributes asked) {
        var start = ScimResponses.integer(startIndex);
        var size = ScimResponses.integer(count);
        if (start.isEmpty() || size.isEmpty()) {
            return responses.write(new ScimOutcome.Refused(400, "invalidValue", "startIndex and count are integers"));
        }
        return responses.write(asked, () -> provisioning.list(caller.tenantId(), filter, start.get().orElse(null),
                size.get().orElse(null), responses.usersUrl()));
    }

    @PostMapping
    @ApiResponse(responseCode = "201", description = "provisioned",
            headers = @Header(name = "Location", description = "the new user's address", schema = @Schema(type = "string", format = "uri")),
            content = @Content(mediaType = ScimResponses.SCIM_JSON_VALUE, schema = @Schema(implementation = ScimDocs.Served.class)))
    @ScimDocs.BadInput
    @ScimDocs.EmailTaken
    @ScimDocs.WithBody
    @Operation(summary = "Provision a user (userName is the e-mail; roles Admin, Planner or Viewer, else Viewer)")
    ResponseEntity<String> create(@AuthenticationPrincipal Caller caller,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = ScimResponses.SCIM_JSON_VALUE,
                    schema = @Schema(implementation = ScimDocs.User.class))) @RequestBody(required = false) byte[] body,
            @RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
            @ParameterObject ScimAttributes asked) {
        var unsupported = ScimResponses.unsupported(contentType);
        if (unsupported.isPresent()) {
            return unsupported.get();
        }
        return responses.write(asked, () -> provisioning.create(caller.tenantId(), body, responses.usersUrl()));
    }

    @GetMapping("/{id}")
    @ScimDocs.OneUser
    @ScimDocs.NoSuchId
    @Operation(summary = "One user")
    ResponseEntity<String> get(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @ParameterObject ScimAttributes asked) {
        return responses.write(asked, () -> provisioning.get(caller.tenantId(), id, responses.usersUrl()));
    }

    @PutMapping("/{id}")
    @ScimDocs.OneUser
    @ScimDocs.BadInput
    @ScimDocs.NoSuchId
    @ScimDocs.EmailTaken
    @ScimDocs.WithBody
    @Operation(summary = "Replace a user's name, e-mail, external id, role and active state")
    ResponseEntity<String> replace(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = ScimResponses.SCIM_JSON_VALUE,
                    schema = @Schema(implementation = ScimDocs.User.class))) @RequestBody(required = false) byte[] body,
            @RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
            @ParameterObject ScimAttributes asked) {
        var unsupported = ScimResponses.unsupported(contentType);
        if (unsupported.isPresent()) {
            return unsupported.get();
        }
        return responses.write(asked, () -> provisioning.replace(caller.tenantId(), id, body, responses.usersUrl()));
    }

    @PatchMapping("/{id}")
    @ScimDocs.OneUser
    @ScimDocs.BadInput
    @ScimDocs.NoSuchId
    @ScimDocs.EmailTaken
    @ScimDocs.WithBody
    @Operation(summary = "Patch a user (PatchOp add/replace/remove, as Entra ID and Okta send them)")
    ResponseEntity<String> patch(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = ScimResponses.SCIM_JSON_VALUE,
                    schema = @Schema(implementation = ScimDocs.PatchOp.class)))
            @RequestBody(required = false) byte[] body,
            @RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
            @ParameterObject ScimAttributes asked) {
        var unsupported = ScimResponses.unsupported(contentType);
        if (unsupported.isPresent()) {
            return unsupported.get();
        }
        return responses.write(asked, () -> provisioning.patch(caller.tenantId(), id, body, responses.usersUrl()));
    }

    @DeleteMapping("/{id}")
    // An empty @Content keeps springdoc from describing the method's return type: a 204 has no body.
    @ApiResponse(responseCode = "204", description = "deactivated (also when they already were)", content = @Content)
    @ScimDocs.NoSuchId
    @Operation(summary = "Deactivate a user (users are never deleted); their unused credits return to the pool")
    ResponseEntity<String> deactivate(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return responses.write(provisioning.deactivate(caller.tenantId(), id));
    }
}

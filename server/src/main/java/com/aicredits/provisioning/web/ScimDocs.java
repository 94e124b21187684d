package com.aicredits.provisioning.web;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;

/**
 * The shapes of the SCIM bodies and the answers of the SCIM endpoints, for the OpenAPI document only: the SCIM
 * library reads and writes the real ones. Every error is an RFC 7644 error body, never the API's problem details.
 */
final class ScimDocs {

    private ScimDocs() {
    }

    @Schema(name = "ScimUser", description = "RFC 7643 User (urn:ietf:params:scim:schemas:core:2.0:User); attribute names are case-insensitive")
    record User(List<String> schemas, @Schema(description = "the user's e-mail") String userName, Name name,
            String displayName, List<Email> emails,
            @Schema(description = "true or false; the strings \"True\"/\"False\" are read too") Boolean active,
            String externalId, @Schema(description = "value Admin, Planner or Viewer") List<Role> roles) {
    }

    @Schema(name = "ScimUserResource", requiredProperties = {"schemas", "id"}, description = "A user as served: the User "
            + "resource with the id and meta the service assigns; attributes that are null are left out, and so are those "
            + "the request's attributes or excludedAttributes leave out")
    record Served(List<String> schemas, String id,
            @Schema(nullable = true, description = "left out when the user has none") String externalId, Meta meta,
            String userName, @Schema(description = "formatted only") Name name,
            String displayName, Boolean active, List<Email> emails, List<Role> roles) {
    }

    record Meta(String resourceType, String created, String lastModified, String location) {
    }

    record Name(String formatted, String givenName, String familyName) {
    }

    record Email(String value, String type, Boolean primary) {
    }

    record Role(String value, Boolean primary) {
    }

    @Schema(name = "ScimUserList", description = "RFC 7644 ListResponse (urn:ietf:params:scim:api:messages:2.0:ListResponse)")
    record UserList(List<String> schemas, int totalResults, int startIndex, int itemsPerPage, List<Served> Resources) {
    }

    @Schema(name = "ScimPatchOp", description = "RFC 7644 PatchOp (urn:ietf:params:scim:api:messages:2.0:PatchOp)")
    record PatchOp(List<String> schemas, List<Operation> Operations) {
    }

    record Operation(@Schema(description = "add, replace or remove, in any case") String op, String path, Object value) {
    }

    @Schema(name = "ScimError", description = "RFC 7644 §3.12 error (urn:ietf:params:scim:api:messages:2.0:Error)")
    record Error(List<String> schemas, @Schema(description = "the HTTP status, as a string") String status,
            @Schema(description = "with 400 and 409: invalidFilter, invalidSyntax, invalidPath, invalidValue, noTarget,"
                    + " mutability or uniqueness") String scimType,
            @Schema(description = "what was wrong, for a person") String detail) {
    }

    /** What any SCIM call may answer, whatever it asks. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ApiResponse(responseCode = "401", description = "no key, or an unknown or revoked one",
            content = @Content(mediaType = ScimResponses.SCIM_JSON_VALUE, schema = @Schema(implementation = Error.class)))
    @ApiResponse(responseCode = "403", description = "a key that is not the tenant's scim key",
            content = @Content(mediaType = ScimResponses.SCIM_JSON_VALUE, schema = @Schema(implementation = Error.class)))
    @ApiResponse(responseCode = "503", description = "the database cannot be reached; retry later",
            content = @Content(mediaType = ScimResponses.SCIM_JSON_VALUE, schema = @Schema(implementation = Error.class)))
    @interface EveryCall {
    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ApiResponse(responseCode = "400", description = "malformed or impossible input (scimType says which); nothing changed",
            content = @Content(mediaType = ScimResponses.SCIM_JSON_VALUE, schema = @Schema(implementation = Error.class)))
    @interface BadInput {
    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ApiResponse(responseCode = "404", description = "no such id (another tenant's user is none here)",
            content = @Content(mediaType = ScimResponses.SCIM_JSON_VALUE, schema = @Schema(implementation = Error.class)))
    @interface NoSuchId {
    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ApiResponse(responseCode = "409", description = "uniqueness: another user of the tenant has this e-mail; nothing changed",
            content = @Content(mediaType = ScimResponses.SCIM_JSON_VALUE, schema = @Schema(implementation = Error.class)))
    @interface EmailTaken {
    }

    /** What a call with a body may answer about the body itself. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ApiResponse(responseCode = "413", description = "the body is over 64 KiB",
            content = @Content(mediaType = ScimResponses.SCIM_JSON_VALUE, schema = @Schema(implementation = Error.class)))
    @ApiResponse(responseCode = "415", description = "the body is not application/scim+json (or application/json) in UTF-8",
            content = @Content(mediaType = ScimResponses.SCIM_JSON_VALUE, schema = @Schema(implementation = Error.class)))
    @interface WithBody {
    }

    /** 200 with the user as it now is. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ApiResponse(responseCode = "200", description = "the user",
            content = @Content(mediaType = ScimResponses.SCIM_JSON_VALUE, schema = @Schema(implementation = Served.class)))
    @interface OneUser {
    }

    /** 200 with a discovery resource (RFC 7644 §4), described by RFC 7643 §5 to §7 rather than here. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ApiResponse(responseCode = "200", description = "as RFC 7643 §5 to §7 define it",
            content = @Content(mediaType = ScimResponses.SCIM_JSON_VALUE, schema = @Schema(type = "object")))
    @interface Discovery {
    }
}

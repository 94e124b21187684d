package com.aicredits.provisioning.web;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The shapes of the SCIM bodies, for the OpenAPI document only: the SCIM library reads and writes the real ones. */
final class ScimDocs {

    private ScimDocs() {
    }

    @Schema(name = "ScimUser", description = "RFC 7643 User (urn:ietf:params:scim:schemas:core:2.0:User); attribute names are case-insensitive")
    record User(List<String> schemas, @Schema(description = "the user's e-mail") String userName, Name name,
            String displayName, List<Email> emails,
            @Schema(description = "true or false; the strings \"True\"/\"False\" are read too") Boolean active,
            String externalId, @Schema(description = "value Admin, Planner or Viewer") List<Role> roles) {
    }

    record Name(String formatted, String givenName, String familyName) {
    }

    record Email(String value, String type, Boolean primary) {
    }

    record Role(String value, Boolean primary) {
    }

    @Schema(name = "ScimPatchOp", description = "RFC 7644 PatchOp (urn:ietf:params:scim:api:messages:2.0:PatchOp)")
    record PatchOp(List<String> schemas, List<Operation> Operations) {
    }

    record Operation(@Schema(description = "add, replace or remove, in any case") String op, String path, Object value) {
    }
}

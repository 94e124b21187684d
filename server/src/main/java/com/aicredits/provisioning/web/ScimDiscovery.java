package com.aicredits.provisioning.web;

import com.aicredits.provisioning.Provisioning;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.types.AuthenticationScheme;
import com.unboundid.scim2.common.types.BulkConfig;
import com.unboundid.scim2.common.types.ChangePasswordConfig;
import com.unboundid.scim2.common.types.ETagConfig;
import com.unboundid.scim2.common.types.FilterConfig;
import com.unboundid.scim2.common.types.PatchConfig;
import com.unboundid.scim2.common.types.ResourceTypeResource;
import com.unboundid.scim2.common.types.SchemaResource;
import com.unboundid.scim2.common.types.ServiceProviderConfigResource;
import com.unboundid.scim2.common.types.SortConfig;
import com.unboundid.scim2.common.types.UserResource;
import com.unboundid.scim2.common.utils.JsonUtils;
import com.unboundid.scim2.common.utils.SchemaUtils;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** RFC 7644 §4 discovery: what this service provider supports, its one resource type, and the User schema, listed and by id. */
@RestController
@RequestMapping("/scim/v2")
@Tag(name = "SCIM 2.0 provisioning")
@ScimDocs.EveryCall
@SecurityRequirement(name = "apiKey")
class ScimDiscovery {

    private static final String USER = "User";
    private static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

    @GetMapping("/ServiceProviderConfig")
    @ScimDocs.Discovery
    @Operation(summary = "What this SCIM service supports: PATCH and filters yes; bulk, sort, ETags and password changes no")
    ResponseEntity<String> serviceProviderConfig() {
        var config = new ServiceProviderConfigResource(null, new PatchConfig(true), new BulkConfig(false, 0, 0),
                new FilterConfig(true, Provisioning.PAGE_MAX), new ChangePasswordConfig(false), new SortConfig(false),
                new ETagConfig(false), List.of(AuthenticationScheme.createOAuth2BearerToken(true)));
        return json(config);
    }

    @GetMapping("/ResourceTypes")
    @ScimDocs.Discovery
    @Operation(summary = "The resource types served: User")
    ResponseEntity<String> resourceTypes() {
        return json(new ListResponse<>(1, List.of(userType()), 1, 1));
    }

    @GetMapping("/ResourceTypes/{id}")
    @ScimDocs.Discovery
    @ScimDocs.NoSuchId
    @Operation(summary = "One resource type by its name: User")
    ResponseEntity<String> resourceType(@PathVariable String id) {
        return USER.equalsIgnoreCase(id) ? json(userType())
                : ScimResponses.error(404, null, "there is no resource type " + id + " here; the one served is " + USER);
    }

    @GetMapping("/Schemas")
    @ScimDocs.Discovery
    @Operation(summary = "The schemas served: the core User schema")
    ResponseEntity<String> schemas() {
        return json(new ListResponse<>(1, List.of(userSchema()), 1, 1));
    }

    @GetMapping("/Schemas/{id}")
    @ScimDocs.Discovery
    @ScimDocs.NoSuchId
    @Operation(summary = "One schema by its URN: the core User schema")
    ResponseEntity<String> schema(@PathVariable String id) {
        // URNs compare case-insensitively (RFC 8141), as SCIM attribute names do.
        return USER_SCHEMA.equalsIgnoreCase(id) ? json(userSchema())
                : ScimResponses.error(404, null, "there is no schema " + id + " here; the one served is " + USER_SCHEMA);
    }

    private static ResourceTypeResource userType() {
        return new ResourceTypeResource(USER, USER, "a person of the tenant", URI.create("/Users"), URI.create(USER_SCHEMA),
                null);
    }

    private static SchemaResource userSchema() {
        try {
            return SchemaUtils.getSchema(UserResource.class);
        } catch (java.beans.IntrospectionException e) {
            throw new IllegalStateException("the SCIM library describes its own User class", e);
        }
    }

    private static ResponseEntity<String> json(Object body) {
        return ResponseEntity.ok().contentType(ScimResponses.SCIM_JSON).body(JsonUtils.getObjectWriter().writeValueAsString(body));
    }
}

package com.aicredits.directory.web;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.aicredits.api.Problems;
import com.aicredits.api.Refusals;
import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.directory.User;
import com.aicredits.directory.UserChange;
import com.aicredits.idempotency.Idempotency;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/tenants/{tenantId}/users")
@Tag(name = "Directory (admin)", description = "Scope: admin key, Admin session, or platform.")
class UserController {

    private final Directory directory;
    private final Idempotency idempotency;

    UserController(Directory directory, Idempotency idempotency) {
        this.directory = directory;
        this.idempotency = idempotency;
    }

    record NewUserBody(@Schema(requiredMode = REQUIRED) String name, @Schema(requiredMode = REQUIRED) String email,
            @Schema(implementation = Role.class, requiredMode = REQUIRED) String role, String externalId,
            String password) {
    }

    record UserChangeBody(String name, @Schema(implementation = Role.class) String role, Boolean active) {
    }

    /** {@code source}: where the user came from: manual (an admin), scim (the customer's directory) or sso. */
    record UserJson(UUID id, String name, String email, @Schema(implementation = Role.class) String role, boolean active,
            @Schema(nullable = true) String externalId, Instant createdAt, String source) {
        static UserJson of(User u) {
            return new UserJson(u.id().value(), u.name(), u.email(), u.role().name(), u.active(), u.externalId(), u.createdAt(),
                    u.source().label());
        }
    }

    @PostMapping
    @Operation(summary = "Register a user; the email is unique per tenant (409 EMAIL_TAKEN)")
    @ApiResponse(responseCode = "409", description = "EMAIL_TAKEN: another user of the tenant has this email")
    @ApiResponse(responseCode = "201", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = UserJson.class)))
    ResponseEntity<Object> register(@PathVariable TenantId tenantId, @RequestBody NewUserBody body,
            @RequestHeader(value = Idempotency.HEADER, required = false) String key, HttpServletRequest request) {
        var role = body.role() == null ? java.util.Optional.<Role>empty() : Role.parse(body.role());
        if (role.isEmpty()) {
            return Problems.invalid("role", "role is Admin, Planner or Viewer");
        }
        var newUser = new NewUser(body.name(), body.email(), role.get(), body.externalId(), body.password());
        // The password is not part of the fingerprint: it must not sit in memory longer than needed.
        String fingerprint = idempotency.fingerprint(request,
                new NewUserBody(body.name(), body.email(), body.role(), body.externalId(), null));
        return idempotency.once(tenantId, key, fingerprint, () -> answer(directory.register(tenantId, newUser), HttpStatus.CREATED));
    }

    @GetMapping
    @Operation(summary = "All registered users of the tenant")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            array = @ArraySchema(schema = @Schema(implementation = UserJson.class))))
    ResponseEntity<Object> users(@PathVariable TenantId tenantId) {
        if (directory.tenant(tenantId).isEmpty()) {
            return Problems.notFound("tenant");
        }
        return ResponseEntity.ok(directory.users(tenantId).stream().map(UserJson::of).toList());
    }

    @PatchMapping("/{userId}")
    @Operation(summary = "Rename a user, change their role, or (de)activate them")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = UserJson.class)))
    ResponseEntity<Object> change(@PathVariable TenantId tenantId, @PathVariable UserId userId, @RequestBody UserChangeBody body,
            @RequestHeader(value = Idempotency.HEADER, required = false) String key, HttpServletRequest request) {
        Role role = null;
        if (body.role() != null) {
            var parsed = Role.parse(body.role());
            if (parsed.isEmpty()) {
                return Problems.invalid("role", "role is Admin, Planner or Viewer");
            }
            role = parsed.get();
        }
        var change = new UserChange(body.name(), role, body.active());
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, body),
                () -> answer(directory.change(tenantId, userId, change), HttpStatus.OK));
    }

    private static ResponseEntity<Object> answer(Outcome<User> result, HttpStatus success) {
        return switch (result) {
            case Outcome.Done<User>(var user) -> ResponseEntity.status(success).body(UserJson.of(user));
            case Refused<?> refused -> Refusals.response(refused, false);
        };
    }
}

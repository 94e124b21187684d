package com.aicredits.access.web;

import com.aicredits.access.SingleSignOn;
import com.aicredits.access.SsoConnection;
import com.aicredits.access.SsoSettings;
import com.aicredits.api.Problems;
import com.aicredits.api.Refusals;
import com.aicredits.directory.Role;
import com.aicredits.idempotency.Idempotency;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

@RestController
@RequestMapping("/api/v1/tenants/{tenantId}/sso")
@Tag(name = "Single sign-on (admin)", description = "Scope: admin key, Admin session, or platform. The tenant's OpenID "
        + "Connect provider; the client secret is stored encrypted and never returned.")
class SsoController {

    private final SingleSignOn sso;
    private final Idempotency idempotency;

    SsoController(SingleSignOn sso, Idempotency idempotency) {
        this.idempotency = idempotency;
        this.sso = sso;
    }

    /** {@code jitRole}: create unknown people at their first sign-on with this role (Admin, Planner, Viewer); absent or null: refuse them. */
    record SsoBody(String issuer, String clientId, String clientSecret, Boolean enforced, String jitRole) {
        @Override
        public String toString() {
            return "SsoBody[issuer=" + issuer + ", clientId=" + clientId + ", enforced=" + enforced + "]";
        }
    }

    /** {@code redirectUri}: register it at the provider as the application's redirect (callback) URI. */
    record SsoJson(String issuer, String clientId, boolean enforced, String redirectUri,
            @Schema(nullable = true, description = "null: nobody is created at sign-in") String jitRole) {
    }

    @PutMapping
    @Operation(summary = "Set the tenant's OpenID Connect provider (replaces any earlier one)",
            description = "issuer is the provider's issuer URL (https; discovery runs at sign-in). enforced: password "
                    + "sign-in is refused for the tenant's people. 400 INVALID_ISSUER (not an https URL) or "
                    + "VALIDATION_FAILED (clientId, clientSecret, enforced, jitRole); nothing is changed then.")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = SsoJson.class)))
    ResponseEntity<Object> configure(@PathVariable TenantId tenantId,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = "application/json", schema = @Schema(implementation = SsoBody.class)))
            @RequestBody SsoBody body, @RequestHeader(value = Idempotency.HEADER, required = false) String key,
            HttpServletRequest request) {
        var role = body.jitRole() == null ? java.util.Optional.<Role>empty() : Role.parse(body.jitRole())
                .filter(r -> r.name().equals(body.jitRole()));
        if (body.jitRole() != null && role.isEmpty()) {
            return Problems.invalid("jitRole", "jitRole is Admin, Planner or Viewer, or null to refuse unknown people");
        }
        var settings = new SsoSettings(body.issuer(), body.clientId(), body.clientSecret(),
                Boolean.TRUE.equals(body.enforced()), role.orElse(null));
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, body),
                () -> switch (sso.configure(tenantId, settings)) {
            case Outcome.Done<SsoConnection>(var connection) -> ResponseEntity.ok(json(connection));
            case Refused<SsoConnection> refused -> Refusals.response(refused, false);
        });
    }

    @GetMapping
    @Operation(summary = "The tenant's OpenID Connect provider, without the secret; 404 when single sign-on is off")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = SsoJson.class)))
    ResponseEntity<Object> read(@PathVariable TenantId tenantId) {
        return sso.connection(tenantId).<ResponseEntity<Object>>map(c -> ResponseEntity.ok(json(c)))
                .orElseGet(() -> Problems.notFound("single sign-on"));
    }

    @DeleteMapping
    @Operation(summary = "Turn single sign-on off: the tenant's people sign in with a password again (also when it was off)")
    @ApiResponse(responseCode = "204", description = "done")
    ResponseEntity<Object> turnOff(@PathVariable TenantId tenantId,
            @RequestHeader(value = Idempotency.HEADER, required = false) String key, HttpServletRequest request) {
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, null), () -> switch (sso.turnOff(tenantId)) {
            case Outcome.Done<Boolean> done -> ResponseEntity.noContent().build();
            case Refused<Boolean> refused -> Refusals.response(refused, false);
        });
    }

    private SsoJson json(SsoConnection c) {
        String base = ServletUriComponentsBuilder.fromCurrentContextPath().toUriString();
        return new SsoJson(c.issuer(), c.clientId(), c.enforced(), sso.redirectUri(c.tenantId(), base),
                c.justInTimeRole() == null ? null : c.justInTimeRole().name());
    }
}

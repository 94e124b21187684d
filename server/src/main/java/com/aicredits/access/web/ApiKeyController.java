package com.aicredits.access.web;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.aicredits.access.Access;
import com.aicredits.access.ApiKey;
import com.aicredits.access.ApiKeyScope;
import com.aicredits.access.IssuedKey;
import com.aicredits.api.Problems;
import com.aicredits.api.Refusals;
import com.aicredits.idempotency.Idempotency;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
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
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/tenants/{tenantId}/api-keys")
@Tag(name = "API keys", description = "Scope: platform. A key is shown once, at creation; only its hash is stored.")
class ApiKeyController {

    private final Access access;
    private final Idempotency idempotency;

    ApiKeyController(Access access, Idempotency idempotency) {
        this.access = access;
        this.idempotency = idempotency;
    }

    record NewKeyBody(@Schema(implementation = ApiKeyScope.class, requiredMode = REQUIRED) String scope,
            @Schema(requiredMode = REQUIRED) String name) {
    }

    /** {@code key}: the secret, in the first response only (a replay of its Idempotency-Key has it null). */
    record IssuedJson(UUID id,
            @Schema(nullable = true, description = "the key: shown once, null in a replay with the same Idempotency-Key")
            String key, String name, @Schema(implementation = ApiKeyScope.class) String scope, Instant createdAt) {
        /** What an Idempotency-Key keeps of the answer: all but the secret, which is stored nowhere in clear. */
        static Object withoutSecret(Object body) {
            return body instanceof IssuedJson i ? new IssuedJson(i.id(), null, i.name(), i.scope(), i.createdAt()) : body;
        }
    }

    record KeyJson(UUID id, String name, @Schema(implementation = ApiKeyScope.class) String scope, Instant createdAt,
            @Schema(nullable = true) Instant lastUsedAt, @Schema(nullable = true) Instant revokedAt) {
        static KeyJson of(ApiKey k) {
            return new KeyJson(k.id(), k.name(), k.scope().name(), k.createdAt(), k.lastUsedAt(), k.revokedAt());
        }
    }

    @PostMapping
    @Operation(summary = "Issue an API key with scope admin, consume or scim; the key is in this response only",
            description = "A retry with the same Idempotency-Key answers the same key's id, name and scope, with key "
                    + "null: the secret is shown once and stored only hashed. Revoke that key and issue another if "
                    + "the first answer was lost.")
    @ApiResponse(responseCode = "201", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = IssuedJson.class)))
    ResponseEntity<Object> issue(@PathVariable TenantId tenantId, @RequestBody NewKeyBody body,
            @RequestHeader(value = Idempotency.HEADER, required = false) String key, HttpServletRequest request) {
        var scope = body.scope() == null ? java.util.Optional.<ApiKeyScope>empty() : ApiKeyScope.parse(body.scope());
        if (scope.isEmpty()) {
            return Problems.invalid("scope", "scope is admin, consume or scim");
        }
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, body), () -> switch (access.issue(tenantId,
                scope.get(), body.name())) {
            case Outcome.Done<IssuedKey>(var issued) -> ResponseEntity.status(HttpStatus.CREATED).body(new IssuedJson(
                    issued.apiKey().id(), issued.key(), issued.apiKey().name(), issued.apiKey().scope().name(),
                    issued.apiKey().createdAt()));
            case Refused<IssuedKey> refused -> Refusals.response(refused, false);
        }, IssuedJson::withoutSecret);
    }

    @GetMapping
    @Operation(summary = "The tenant's keys (without the secrets), with last use and revocation")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            array = @ArraySchema(schema = @Schema(implementation = KeyJson.class))))
    ResponseEntity<Object> keys(@PathVariable TenantId tenantId) {
        return access.keys(tenantId)
                .<ResponseEntity<Object>>map(keys -> ResponseEntity.ok(keys.stream().map(KeyJson::of).toList()))
                .orElseGet(() -> Problems.notFound("tenant"));
    }

    @DeleteMapping("/{keyId}")
    @Operation(summary = "Revoke a key: it stops working at once")
    @ApiResponse(responseCode = "204", description = "done")
    ResponseEntity<Object> revoke(@PathVariable TenantId tenantId, @PathVariable UUID keyId,
            @RequestHeader(value = Idempotency.HEADER, required = false) String key, HttpServletRequest request) {
        return idempotency.once(tenantId, key, idempotency.fingerprint(request, null),
                () -> access.revoke(tenantId, keyId) ? ResponseEntity.noContent().build() : Problems.notFound("API key"));
    }
}

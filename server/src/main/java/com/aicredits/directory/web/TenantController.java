package com.aicredits.directory.web;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.aicredits.api.Problems;
import com.aicredits.directory.Directory;
import com.aicredits.directory.Tenant;
import com.aicredits.idempotency.Idempotency;
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
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/tenants")
@Tag(name = "Tenants", description = "Scope: platform.")
class TenantController {

    private final Directory directory;
    private final Idempotency idempotency;

    TenantController(Directory directory, Idempotency idempotency) {
        this.directory = directory;
        this.idempotency = idempotency;
    }

    record NewTenantBody(@Schema(requiredMode = REQUIRED) String name) {
    }

    record TenantJson(UUID id, String name, Instant createdAt) {
        static TenantJson of(Tenant t) {
            return new TenantJson(t.id().value(), t.name(), t.createdAt());
        }
    }

    @PostMapping
    @Operation(summary = "Create a tenant (with an empty credit pool)")
    @ApiResponse(responseCode = "201", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = TenantJson.class)))
    ResponseEntity<Object> create(@RequestBody NewTenantBody body,
            @RequestHeader(value = Idempotency.HEADER, required = false) String key, HttpServletRequest request) {
        if (body.name() == null || body.name().isBlank() || body.name().strip().length() > 200) {
            return Problems.invalid("name", "name has 1 to 200 characters");
        }
        return idempotency.once(null, key, idempotency.fingerprint(request, body),
                () -> ResponseEntity.status(HttpStatus.CREATED).body(TenantJson.of(directory.createTenant(body.name()))));
    }

    @GetMapping
    @Operation(summary = "All tenants")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            array = @ArraySchema(schema = @Schema(implementation = TenantJson.class))))
    ResponseEntity<Object> list() {
        return ResponseEntity.ok(directory.tenants().stream().map(TenantJson::of).toList());
    }
}

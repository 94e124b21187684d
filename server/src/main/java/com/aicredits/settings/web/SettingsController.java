package com.aicredits.settings.web;

import com.aicredits.api.Problems;
import com.aicredits.shared.TenantId;
import com.aicredits.idempotency.Idempotency;
import com.aicredits.api.Refusals;
import com.aicredits.settings.Settings;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.settings.TenantSettings;
import com.aicredits.settings.web.SettingsJson.Malformed;
import com.aicredits.settings.web.SettingsJson.SettingsView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1/tenants/{tenantId}/settings")
@Tag(name = "Tenant settings (admin)", description = "Scope: admin key, Admin session, or platform.")
class SettingsController {

    private final TenantSettings settings;
    private final Idempotency idempotency;

    SettingsController(TenantSettings settings, Idempotency idempotency) {
        this.settings = settings;
        this.idempotency = idempotency;
    }

    @GetMapping
    @Operation(summary = "The tenant's settings, defaults filled in",
            description = "allowanceDefaults has every role: its default allowance, or null when it has none.")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = SettingsView.class)))
    ResponseEntity<Object> read(@PathVariable TenantId tenantId) {
        return settings.settings(tenantId).<ResponseEntity<Object>>map(s -> ResponseEntity.ok(SettingsView.of(s)))
                .orElseGet(() -> Problems.notFound("tenant"));
    }

    @PatchMapping
    @Operation(summary = "Change any subset of the settings; absent fields are kept, null turns an alert or a role default off",
            description = "400 INVALID_TIME_ZONE (not an IANA name), INVALID_AMOUNT, INVALID_PERIOD, INVALID_MODE or "
                    + "VALIDATION_FAILED; nothing is changed then. A new time zone applies from the next period job run: "
                    + "a period already granted is never granted again.")
    @ApiResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = SettingsView.class)))
    ResponseEntity<Object> change(@PathVariable TenantId tenantId,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = "application/json", schema = @Schema(implementation = SettingsJson.SettingsPatch.class)))
            @RequestBody JsonNode body,
            @RequestHeader(name = Idempotency.HEADER, required = false) String key, HttpServletRequest request) {
        final com.aicredits.settings.SettingsChange change;
        try {
            change = SettingsJson.change(body);
        } catch (Malformed malformed) {
            return Problems.response(HttpStatus.BAD_REQUEST, malformed.code, malformed.getMessage(),
                    Map.of("fields", List.of(malformed.field)));
        }
        String fingerprint = idempotency.fingerprint(request, body);
        return idempotency.once(tenantId, key, fingerprint, () -> switch (settings.change(tenantId, change)) {
            case Outcome.Done<Settings>(var changed) -> ResponseEntity.ok(SettingsView.of(changed));
            case Refused<Settings> refused -> Refusals.response(refused, false);
        });
    }
}

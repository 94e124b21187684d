package com.aicredits.settings;

import com.aicredits.directory.Role;
import java.util.Map;
import java.util.Optional;

/**
 * A PATCH: each field present is changed, each absent one kept. An alert threshold or a role default can also be
 * turned off, which a plain null cannot say apart from "absent": those are {@link Optional}s inside the optional
 * field ({@code Optional.empty()} = off).
 */
public record SettingsChange(String timeZone, Integer maxHoldsPerUser, Boolean reclaimOnDeactivate,
        AlertsChange alerts, Map<Role, Optional<AllowanceTerms>> allowanceDefaults) {

    public record AlertsChange(Optional<Integer> userLowPercent, Boolean userExhausted,
            Optional<com.aicredits.shared.Credits> poolUnassignedBelow, Optional<Integer> tenantAvailableBelowPercent) {
    }
}

package com.aicredits.settings;

import com.aicredits.directory.Role;
import com.aicredits.shared.Credits;
import java.time.ZoneId;
import java.util.Map;

/**
 * A tenant's settings as they stand. {@code allowanceDefaults} holds only the roles that have one.
 *
 * @param reclaimOnDeactivate whether a deactivated user's unused credits return to the pool (read by the directory)
 */
public record Settings(ZoneId timeZone, int maxHoldsPerUser, boolean reclaimOnDeactivate, Alerts alerts,
        Map<Role, AllowanceTerms> allowanceDefaults) {

    public Settings {
        allowanceDefaults = Map.copyOf(allowanceDefaults);
    }

    /**
     * Alert thresholds, stored now and read by the alerts (SPEC part two, "Alerts and notifications"); a null
     * threshold is off.
     */
    public record Alerts(Integer userLowPercent, boolean userExhausted, Credits poolUnassignedBelow,
            Integer tenantAvailableBelowPercent) {

        public static final Alerts DEFAULTS = new Alerts(20, true, null, 10);
    }
}

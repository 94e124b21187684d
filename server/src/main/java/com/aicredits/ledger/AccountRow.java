package com.aicredits.ledger;

import com.aicredits.directory.Role;
import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import java.math.BigDecimal;

/**
 * One line of the AI Credits table: remaining = assigned - consumed, usedPercent = consumed / assigned, and
 * removable as credits_removable defines it (what Remove Credits may take back). {@code active} is the
 * allocation's state, {@code userActive} the person's in the directory (a deactivated user's credits stay
 * allocated until they are taken back).
 */
public record AccountRow(UserId userId, String name, String email, Role role, Credits assigned, Credits consumed,
        Credits remaining, Credits held, Credits removable, BigDecimal usedPercent, boolean active,
        boolean userActive) {
}

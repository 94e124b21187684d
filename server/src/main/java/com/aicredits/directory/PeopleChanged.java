package com.aicredits.directory;

import com.aicredits.shared.TenantId;

/** Someone was registered or changed (name, email, role, active): the open Users pages redraw their list. */
public record PeopleChanged(TenantId tenantId) {
}

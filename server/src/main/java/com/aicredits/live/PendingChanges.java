package com.aicredits.live;

import com.aicredits.shared.TenantId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What changed per tenant since the last flush. A tenant's set is only touched inside the map's per-key lock
 * ({@code compute}, {@code remove}): a change noted while the flush takes the set lands either in the set taken
 * or in a new one, never in a set already sent.
 */
final class PendingChanges {

    private final ConcurrentHashMap<TenantId, Set<String>> pending = new ConcurrentHashMap<>();

    void note(TenantId tenant, String what) {
        pending.compute(tenant, (t, changed) -> {
            var set = changed == null ? new HashSet<String>() : changed;
            set.add(what);
            return set;
        });
    }

    /** Everything noted so far, each tenant's changes whole; what is noted from now on waits for the next take. */
    List<Map.Entry<TenantId, Set<String>>> takeAll() {
        var taken = new ArrayList<Map.Entry<TenantId, Set<String>>>();
        for (var tenant : pending.keySet()) {
            var changed = pending.remove(tenant);
            if (changed != null) {
                taken.add(Map.entry(tenant, changed));
            }
        }
        return taken;
    }
}

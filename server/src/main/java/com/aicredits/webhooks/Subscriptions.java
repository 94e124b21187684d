package com.aicredits.webhooks;

import com.aicredits.shared.TenantId;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Which event types each tenant's enabled endpoints want, cached, so a change with no subscriber (the common case)
 * costs no query. A change to an endpoint on this instance forgets the tenant's entry at once; another instance
 * sees it within {@code aicredits.webhooks.subscriptions-cache} (default 10 s). Which endpoints an event goes to
 * is decided again in the database when it is written, so the cache only ever skips work, never misdirects it.
 */
@Component
class Subscriptions {

    private record Entry(Set<String> types, long loadedAtNanos) {
    }

    private final EndpointStore endpoints;
    private final long ttlNanos;
    private final ConcurrentHashMap<TenantId, Entry> cache = new ConcurrentHashMap<>();

    Subscriptions(EndpointStore endpoints, @Value("${aicredits.webhooks.subscriptions-cache:10s}") Duration ttl) {
        this.endpoints = endpoints;
        this.ttlNanos = ttl.toNanos();
    }

    boolean wanted(TenantId tenant, String type) {
        long now = System.nanoTime();
        var entry = cache.get(tenant);
        if (entry == null || now - entry.loadedAtNanos() > ttlNanos) {
            entry = new Entry(Set.copyOf(endpoints.subscribedTypes(tenant)), now);
            cache.put(tenant, entry);
        }
        return entry.types().contains(type) || entry.types().contains(EventTypes.ALL);
    }

    void forget(TenantId tenant) {
        cache.remove(tenant);
    }
}

package com.aicredits.access;

import com.aicredits.shared.PostgresChannel;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The tenant API keys this instance verified lately, so that a bearer request does not read its key from the
 * database each time (issue 16). Entries are keyed by the key's SHA-256, never the key itself.
 *
 * <p>A revocation is a {@code pg_notify} on {@link #CHANNEL} in the revoking statement ({@link ApiKeyStore#revoke}),
 * delivered to every instance when it commits; each one's listener evicts the key. An entry is only served while
 * that listener is proven to have heard everything committed up to {@link #STALENESS} ago: if its connection is
 * lost or stalls, every lookup goes to the database (and nothing is cached) until it is back, and a reconnect
 * empties the cache, since notices sent meanwhile were lost. So a revoked key is refused everywhere within
 * {@link #STALENESS} of the commit, on the revoking instance at once; {@link #EXPIRY} is only a backstop.
 */
@Component
class KnownKeys implements SmartLifecycle {

    static final String CHANNEL = "aicredits_api_keys";
    /** How old the listener's proof of hearing may be for an entry to be trusted: the revocation bound. */
    static final Duration STALENESS = Duration.ofSeconds(1);
    /** An entry is read again from the database after this, whatever the channel says. */
    static final Duration EXPIRY = Duration.ofSeconds(5);
    /** Bounds memory: far more keys than are used within {@link #EXPIRY} on one instance. */
    private static final long MAXIMUM = 10_000;

    private static final Logger log = LoggerFactory.getLogger(KnownKeys.class);

    /** A verified key as remembered: its row (without the key), the caller it stands for, when use was last written. */
    record Known(ApiKey key, Caller caller, AtomicReference<Instant> lastUsedWritten) {
    }

    private final Cache<ByteBuffer, Known> cache = Caffeine.newBuilder().maximumSize(MAXIMUM).expireAfterWrite(EXPIRY).build();
    /** Counts evictions, so that a lookup that raced one does not put back what it read before it. */
    private final AtomicLong evictions = new AtomicLong();
    private final PostgresChannel channel;
    private volatile boolean running;

    KnownKeys(HikariDataSource dataSource) {
        this.channel = new PostgresChannel(dataSource, CHANNEL);
    }

    /**
     * The remembered key with this hash, else {@code load} (a database read; empty for an unknown or revoked key),
     * remembered if the channel is current and no eviction ran meanwhile. Revoked and unknown keys are never
     * remembered: a key cannot come back to life.
     */
    Optional<Known> find(byte[] hash, Supplier<Optional<Known>> load) {
        var id = ByteBuffer.wrap(hash.clone());
        boolean current = channel.caughtUpWithin(STALENESS);
        if (current) {
            var known = cache.getIfPresent(id);
            if (known != null) {
                return Optional.of(known);
            }
        }
        long before = evictions.get();
        var loaded = load.get();
        if (current && loaded.isPresent()) {
            cache.put(id, loaded.get());
            // An eviction that ran since the read may concern what was read: drop it, the next call reads again.
            if (evictions.get() != before) {
                cache.invalidate(id);
            }
        }
        return loaded;
    }

    /** Forgets a key at once on this instance; the others hear it from the revoking statement's notice. */
    void forget(UUID keyId) {
        evictions.incrementAndGet();
        cache.asMap().values().removeIf(known -> known.key().id().equals(keyId));
    }

    private void forgetAll() {
        evictions.incrementAndGet();
        cache.invalidateAll();
    }

    /** The notice of a revocation, from this instance or another: the key's id. */
    private void heard(String message) {
        try {
            forget(UUID.fromString(message));
        } catch (IllegalArgumentException e) {
            log.warn("Malformed API-key notice '{}': forgetting every key", message);
            forgetAll();
        }
    }

    /** How many keys are remembered (for tests and diagnostics). */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /** What is remembered, by hash (for tests: no entry may hold a key itself). */
    java.util.Map<ByteBuffer, Known> snapshot() {
        return java.util.Map.copyOf(cache.asMap());
    }

    @Override
    public void start() {
        channel.listen(this::heard, this::forgetAll);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        channel.close();
        forgetAll();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}

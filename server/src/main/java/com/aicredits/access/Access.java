package com.aicredits.access;

import com.aicredits.directory.Directory;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * API keys: issued per tenant with a scope, shown once, stored as SHA-256, revocable, with a last-used
 * time. A key reads {@code aic_<tenant as 32 hex digits>_<secret>}: the tenant part lets the lookup be keyed by tenant
 * like every other query; the 256-bit secret is what makes it unguessable.
 */
@Service
public class Access {

    private static final String PREFIX = "aic_";
    static final int NAME_MAX = 100;
    /** last_used_at is a hint, not an audit: writing it at most once a minute keeps it off the hot path. */
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    private final ApiKeyStore keys;
    private final KnownKeys known;
    private final Directory directory;
    private final Clock clock;
    private final byte[] platformKeyHash;
    private final SecureRandom random = new SecureRandom();

    Access(ApiKeyStore keys, KnownKeys known, Directory directory, Clock clock,
            @Value("${aicredits.platform-api-key:}") String platformKey) {
        this.keys = keys;
        this.known = known;
        this.directory = directory;
        this.clock = clock;
        // No platform key configured means no platform access at all, never an open default.
        this.platformKeyHash = platformKey == null || platformKey.isBlank() ? null : sha256(platformKey.strip());
    }

    /** Issues a key for a tenant: refused for a name of no or more than {@value #NAME_MAX} characters, or an unknown tenant. */
    public Outcome<IssuedKey> issue(TenantId tenant, ApiKeyScope scope, String name) {
        if (name == null || name.isBlank() || name.strip().length() > NAME_MAX) {
            return Refused.invalid("name", "name has 1 to " + NAME_MAX + " characters");
        }
        if (directory.tenant(tenant).isEmpty()) {
            return Refused.notFound("tenant");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = PREFIX + tenant.value().toString().replace("-", "") + "_" + BASE64.encodeToString(secret);
        var apiKey = new ApiKey(UUID.randomUUID(), tenant, name.strip(), scope, now(), null, null);
        keys.insert(apiKey, sha256(key));
        return Outcome.done(new IssuedKey(apiKey, key));
    }

    /** The tenant's keys; empty if the tenant does not exist. */
    public Optional<List<ApiKey>> keys(TenantId tenant) {
        if (directory.tenant(tenant).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(keys.keys(tenant));
    }

    /**
     * Revokes a key at once, on every instance (see {@link KnownKeys}); false if the tenant has no such key.
     * Revoking twice is harmless.
     */
    public boolean revoke(TenantId tenant, UUID keyId) {
        boolean revoked = keys.revoke(tenant, keyId, now(), KnownKeys.CHANNEL);
        known.forget(keyId);
        return revoked;
    }

    /** The caller a bearer token stands for, if it is the platform key or a live tenant key. */
    Optional<Caller> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        byte[] hash = sha256(token);
        if (platformKeyHash != null && MessageDigest.isEqual(platformKeyHash, hash)) {
            return Optional.of(Caller.platform());
        }
        return tenantOf(token).flatMap(tenant -> known.find(hash, () -> keys.byHash(tenant, hash)
                        .filter(key -> key.revokedAt() == null)
                        .map(Access::known)))
                .map(found -> {
                    Instant now = now();
                    Instant written = found.lastUsedWritten().get();
                    if ((written == null || written.isBefore(now.minus(LAST_USED_RESOLUTION)))
                            && found.lastUsedWritten().compareAndSet(written, now)) {
                        keys.used(found.key().tenantId(), found.key().id(), now);
                    }
                    return found.caller();
                });
    }

    private static KnownKeys.Known known(ApiKey key) {
        var kind = switch (key.scope()) {
            case admin -> Caller.Kind.ADMIN_KEY;
            case consume -> Caller.Kind.CONSUME_KEY;
            case scim -> Caller.Kind.SCIM_KEY;
        };
        return new KnownKeys.Known(key, new Caller(kind, key.tenantId(), null, null, "key:" + key.name()),
                new AtomicReference<>(key.lastUsedAt()));
    }

    /** The tenant is the 32 hex digits after the prefix (hex, because the base64url secret may contain '_'). */
    private static Optional<TenantId> tenantOf(String token) {
        if (!token.startsWith(PREFIX) || token.length() < PREFIX.length() + 33 || token.charAt(PREFIX.length() + 32) != '_') {
            return Optional.empty();
        }
        String hex = token.substring(PREFIX.length(), PREFIX.length() + 32);
        try {
            return Optional.of(new TenantId(new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16),
                    Long.parseUnsignedLong(hex.substring(16), 16))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}

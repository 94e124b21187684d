package com.aicredits.idempotency;

import com.aicredits.api.Problems;
import com.aicredits.shared.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Runs a mutating call at most once per (tenant, Idempotency-Key). Same key and same request: the stored
 * first response again, with {@code Idempotent-Replayed: true}. Same key, different request: 422
 * IDEMPOTENCY_KEY_REUSED. Same key while the first call is still running: 409 IDEMPOTENCY_KEY_IN_USE.
 * Refused validation (400, 413) and server errors are not stored, so a corrected retry may use the key.
 * A claim left by a call that died is taken over by the next retry: at once when the database session that made
 * the claim is gone (the instance crashed, or PostgreSQL restarted), else after
 * {@code aicredits.idempotency.abandon-after}.
 */
@Service
public class Idempotency {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED = "Idempotent-Replayed";
    static final UUID PLATFORM_SCOPE = new UUID(0, 0);
    static final int MAX_KEY = 200;

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration abandonAfter;
    private final Duration keepFor;

    Idempotency(JdbcClient jdbc, JsonMapper json, Clock clock,
            @Value("${aicredits.idempotency.abandon-after:60s}") Duration abandonAfter,
            @Value("${aicredits.idempotency.keep-for:48h}") Duration keepFor) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.abandonAfter = abandonAfter;
        this.keepFor = keepFor;
    }

    /**
     * @param tenant the key's scope (a tenant id); null for platform-wide calls
     * @param key the caller's Idempotency-Key, or null to run the call unprotected
     * @param request what identifies the request (method, path and body): a reused key must match it
     */
    public ResponseEntity<Object> once(TenantId tenant, String key, String request, Supplier<ResponseEntity<Object>> call) {
        return once(tenant, key, request, call, UnaryOperator.identity());
    }

    /**
     * {@link #once(TenantId, String, String, Supplier)}, keeping for replays only {@code kept} of the first response's
     * body: for a response that carries a secret shown once (an API key just issued), which is not stored in clear.
     */
    public ResponseEntity<Object> once(TenantId tenant, String key, String request, Supplier<ResponseEntity<Object>> call,
            UnaryOperator<Object> kept) {
        if (key == null) {
            return call.get();
        }
        var malformed = malformed(key);
        if (malformed.isPresent()) {
            return malformed.get();
        }
        UUID scope = tenant == null ? PLATFORM_SCOPE : tenant.value();
        byte[] hash = sha256(request);
        if (!claim(scope, key, hash)) {
            var earlier = jdbc.sql("""
                    select request_hash, status, body, created_at, owner_pid, owner_started
                      from idempotency_keys where tenant_id = ? and key = ?""")
                    .params(scope, key)
                    .query((rs, n) -> new Earlier(rs.getBytes(1), (Integer) rs.getObject(2), rs.getString(3),
                            rs.getObject(4, OffsetDateTime.class).toInstant(), (Integer) rs.getObject(5),
                            rs.getObject(6, OffsetDateTime.class)))
                    .optional();
            if (earlier.isEmpty()) {
                return once(tenant, key, request, call, kept); // the first call gave the key up a moment ago
            }
            var e = earlier.get();
            if (!Arrays.equals(e.hash(), hash)) {
                return Problems.response(HttpStatus.UNPROCESSABLE_CONTENT, "IDEMPOTENCY_KEY_REUSED",
                        "this Idempotency-Key was already used for a different request");
            }
            if (e.status() != null) {
                return replay(e);
            }
            if (!takeOver(scope, key, e)) {
                return Problems.response(HttpStatus.CONFLICT, "IDEMPOTENCY_KEY_IN_USE",
                        "a request with this Idempotency-Key is still being processed; retry shortly");
            }
        }
        ResponseEntity<Object> response;
        try {
            response = call.get();
        } catch (RuntimeException e) {
            try {
                release(scope, key);
            } catch (RuntimeException releaseFailed) {
                // Typically the database is down: the call's own failure is the one to report.
                e.addSuppressed(releaseFailed);
            }
            throw e;
        }
        int status = response.getStatusCode().value();
        if (status == 400 || status == 413 || status >= 500) {
            release(scope, key);
        } else {
            // Spring adds the instance to a problem only while writing it: add it now, so the replay has it too.
            if (response.getBody() instanceof ProblemDetail problem && problem.getInstance() == null
                    && RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes current) {
                problem.setInstance(URI.create(current.getRequest().getRequestURI()));
            }
            jdbc.sql("update idempotency_keys set status = ?, body = ?, completed_at = ? where tenant_id = ? and key = ?")
                    .params(status, response.getBody() == null ? null : json.writeValueAsString(kept.apply(response.getBody())),
                            now().atOffset(ZoneOffset.UTC), scope, key)
                    .update();
        }
        return response;
    }

    /**
     * What identifies a request for its key: method, path and body (none for a call without one). The body as read,
     * so the order of its fields and its spacing do not count, nor how a number is written: {@code 1000}, {@code 1000.0}
     * and {@code 1e3} are one amount (a probe of December 5: a retry that wrote 1000.0 was refused as another request).
     */
    public String fingerprint(HttpServletRequest request, Object body) {
        return request.getMethod() + " " + request.getRequestURI()
                + (body == null ? "" : "\n" + json.writeValueAsString(numbersAsWritten(json.valueToTree(body))));
    }

    /** The tree with every number in one form: its value's plain digits without trailing zeros. */
    private static JsonNode numbersAsWritten(JsonNode node) {
        if (node.isNumber()) {
            return JsonNodeFactory.instance.numberNode(new BigDecimal(node.decimalValue().stripTrailingZeros().toPlainString()));
        }
        if (node.isObject()) {
            var copy = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(field -> copy.set(field.getKey(), numbersAsWritten(field.getValue())));
            return copy;
        }
        if (node.isArray()) {
            var copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> copy.add(numbersAsWritten(element)));
            return copy;
        }
        return node;
    }

    /**
     * {@link #fingerprint(HttpServletRequest, Object)} of a call made for one person whom the body need not name (the
     * signed-in user's own notifications or credit request): the same key and body from another person of the tenant
     * is another request, refused as a reused key rather than answered with the first person's result.
     */
    public String fingerprint(HttpServletRequest request, Object body, Object person) {
        return fingerprint(request, body) + "\nfor " + person;
    }

    /**
     * The refusal of a key that is not one (blank, too long, not printable ASCII); empty for a well-formed key.
     * For calls that take a key without running through {@link #once}, e.g. a bulk change's dry run.
     */
    public static Optional<ResponseEntity<Object>> malformed(String key) {
        if (key.isBlank() || key.length() > MAX_KEY) {
            return Optional.of(Problems.invalid(HEADER, HEADER + " has 1 to " + MAX_KEY + " characters"));
        }
        if (!isPrintableAscii(key)) {
            // Header bytes above 0x7F have no agreed charset (Tomcat reads ISO-8859-1, clients send UTF-8): the
            // same key could be two keys, and a retry would not find its first answer.
            return Optional.of(Problems.invalid(HEADER, HEADER + " has printable ASCII characters only"));
        }
        return Optional.empty();
    }

    private static boolean isPrintableAscii(String key) {
        return key.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
    }

    private record Earlier(byte[] hash, Integer status, String body, Instant createdAt, Integer ownerPid,
            OffsetDateTime ownerStarted) {
    }

    /**
     * Claims the key, recording the claiming session so that a claim whose owner died can be recognised. The session
     * is named by plain function calls, not a subquery: Citus refuses subqueries in an INSERT, and evaluates these
     * calls on the coordinator, the node whose sessions {@link #ownerGone} looks at (V27__citus_single_shard.sql).
     */
    private boolean claim(UUID scope, String key, byte[] hash) {
        return jdbc.sql("""
                insert into idempotency_keys (tenant_id, key, request_hash, created_at, owner_pid, owner_started)
                values (?, ?, ?, ?, pg_backend_pid(), session_started())
                on conflict do nothing
                """).params(scope, key, hash, now().atOffset(ZoneOffset.UTC)).update() == 1;
    }

    /**
     * Takes over a claim whose call died: one older than abandon-after, or one whose session no longer exists
     * (a session of the same database user is always visible in pg_stat_activity). A claim made on a pooled
     * connection that the pool retired while the call still ran would be taken over too early; the ledger's own
     * idempotency (the key is unique on its entry, checked under the pool lock) keeps even that from counting twice.
     * The liveness check is a statement of its own, so that the update touches the tenant's row alone (one shard on
     * Citus); the update's condition on the claim's time makes it a compare-and-set, so of two retries one wins.
     */
    private boolean takeOver(UUID scope, String key, Earlier claim) {
        Instant now = now();
        if (!claim.createdAt().isBefore(now.minus(abandonAfter)) && !ownerGone(claim)) {
            return false;
        }
        return jdbc.sql("""
                update idempotency_keys
                   set created_at = ?, owner_pid = pg_backend_pid(), owner_started = session_started()
                 where tenant_id = ? and key = ? and status is null and created_at = ?
                """).params(now.atOffset(ZoneOffset.UTC), scope, key, claim.createdAt().atOffset(ZoneOffset.UTC))
                .update() == 1;
    }

    /** Whether the session that made the claim is gone; unknown (a claim from before V5) counts as alive. */
    private boolean ownerGone(Earlier claim) {
        if (claim.ownerPid() == null || claim.ownerStarted() == null) {
            return false;
        }
        return !jdbc.sql("select exists (select 1 from pg_stat_activity where pid = ? and backend_start = ?)")
                .params(claim.ownerPid(), claim.ownerStarted()).query(Boolean.class).single();
    }

    private void release(UUID scope, String key) {
        jdbc.sql("delete from idempotency_keys where tenant_id = ? and key = ? and status is null").params(scope, key).update();
    }

    private ResponseEntity<Object> replay(Earlier earlier) {
        var builder = ResponseEntity.status(earlier.status()).header(REPLAYED, "true");
        if (earlier.body() == null) {
            return builder.build();
        }
        var type = earlier.status() >= 400 ? MediaType.APPLICATION_PROBLEM_JSON : MediaType.APPLICATION_JSON;
        return builder.contentType(type).body(earlier.body());
    }

    /** Keys are promised for at least 24 hours; older ones are removed every hour. */
    @Scheduled(fixedDelayString = "${aicredits.idempotency.cleanup-interval:1h}", initialDelayString = "1m")
    void forgetOldKeys() {
        jdbc.sql("delete from idempotency_keys where created_at < ?")
                .param(now().minus(keepFor).atOffset(ZoneOffset.UTC)).update();
    }

    private Instant now() {
        return clock.instant();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

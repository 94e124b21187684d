package com.aicredits.webhooks;

import com.aicredits.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for V20's webhook tables. Every statement but the worker's claim names its tenant. */
@Repository
class WebhookStore {

    private static final String ENDPOINT_COLUMNS =
            "id, url, events, description, enabled, failing_since, disabled_reason, created_at";

    private final JdbcClient jdbc;

    WebhookStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What the worker needs for one claimed delivery. */
    record Claimed(TenantId tenant, UUID deliveryId, UUID endpointId, UUID eventId, String type, String body, String url,
            String sealedSecret, int attempts, Instant retryingSince) {
    }

    /** An endpoint registered under an idempotency key, with what it was registered with. */
    record Keyed(Endpoint endpoint, String sealedSecret) {
    }

    void insertEndpoint(TenantId tenant, UUID id, String url, List<String> events, String description, String sealed,
            String idempotencyKey, Instant now) {
        jdbc.sql("""
                insert into webhook_endpoints (tenant_id, id, url, events, description, secret_sealed, idempotency_key,
                                               created_at, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).params(tenant.value(), id, url, events.toArray(String[]::new), description, sealed, idempotencyKey,
                        at(now), at(now)).update();
    }

    Optional<Keyed> endpointByKey(TenantId tenant, String key) {
        return jdbc.sql("select " + ENDPOINT_COLUMNS + ", secret_sealed from webhook_endpoints "
                        + "where tenant_id = ? and idempotency_key = ?")
                .params(tenant.value(), key)
                .query((rs, n) -> new Keyed(endpoint(rs, n), rs.getString("secret_sealed"))).optional();
    }

    List<Endpoint> endpoints(TenantId tenant) {
        return jdbc.sql("select " + ENDPOINT_COLUMNS + " from webhook_endpoints where tenant_id = ? order by created_at, id")
                .param(tenant.value()).query(WebhookStore::endpoint).list();
    }

    Optional<Endpoint> endpoint(TenantId tenant, UUID id) {
        return jdbc.sql("select " + ENDPOINT_COLUMNS + " from webhook_endpoints where tenant_id = ? and id = ?")
                .params(tenant.value(), id).query(WebhookStore::endpoint).optional();
    }

    /** Applies the non-null fields; enabling clears the failure record, so the 24 hours start again. */
    Optional<Endpoint> change(TenantId tenant, UUID id, EndpointChange change, Instant now) {
        return jdbc.sql("""
                update webhook_endpoints
                   set url = coalesce(:url, url),
                       events = coalesce(:events, events),
                       description = coalesce(:description, description),
                       enabled = coalesce(:enabled, enabled),
                       failing_since = case when :enabled is true and not enabled then null else failing_since end,
                       disabled_at = case when :enabled is true then null else disabled_at end,
                       disabled_reason = case when :enabled is null then disabled_reason
                                              when :enabled then null else 'disabled by an admin' end,
                       updated_at = :now
                 where tenant_id = :tenant and id = :id
                returning """ + " " + ENDPOINT_COLUMNS)
                .param("tenant", tenant.value()).param("id", id)
                .param("url", change.url(), Types.VARCHAR)
                .param("events", change.events() == null ? null : change.events().toArray(String[]::new), Types.ARRAY)
                .param("description", change.description(), Types.VARCHAR)
                .param("enabled", change.enabled(), Types.BOOLEAN)
                .param("now", at(now))
                .query(WebhookStore::endpoint).optional();
    }

    boolean delete(TenantId tenant, UUID id) {
        return jdbc.sql("delete from webhook_endpoints where tenant_id = ? and id = ?").params(tenant.value(), id)
                .update() == 1;
    }

    /** The event types some enabled endpoint of the tenant subscribes to ({@code *} included as it is). */
    Set<String> subscribedTypes(TenantId tenant) {
        var types = new HashSet<String>();
        jdbc.sql("select distinct unnest(events) from webhook_endpoints where tenant_id = ? and enabled")
                .param(tenant.value()).query(String.class).list().forEach(types::add);
        return types;
    }

    /**
     * Writes an event and one pending delivery for each enabled endpoint subscribed to its type (or only for
     * {@code onlyEndpoint}, whatever it subscribes to, for a test event), in the caller's transaction, in one
     * statement. Returns the ids of the deliveries written.
     */
    List<UUID> recordEvent(TenantId tenant, UUID eventId, String type, String body, UUID onlyEndpoint, Instant now) {
        return jdbc.sql("""
                with event as (
                    insert into webhook_events (tenant_id, id, type, body, created_at)
                    values (:tenant, :event, :type, :body, :now)
                    returning id)
                insert into webhook_deliveries (tenant_id, id, endpoint_id, event_id, status, next_attempt_at,
                                                retrying_since, created_at)
                select :tenant, gen_random_uuid(), e.id, event.id, 'PENDING', :now, :now, :now
                  from webhook_endpoints e, event
                 where e.tenant_id = :tenant
                   and case when cast(:only as uuid) is null then e.enabled and (:type = any(e.events) or '*' = any(e.events))
                            else e.id = cast(:only as uuid) end
                returning id
                """)
                .param("tenant", tenant.value()).param("event", eventId).param("type", type).param("body", body)
                .param("only", onlyEndpoint, Types.OTHER).param("now", at(now))
                .query(UUID.class).list();
    }

    /** The endpoint's deliveries, newest first, each with its attempts. */
    List<Delivery> deliveries(TenantId tenant, UUID endpoint, int limit) {
        var found = jdbc.sql("""
                select d.id, d.event_id, ev.type, d.status, d.attempts, d.last_status_code, d.last_error,
                       d.next_attempt_at, d.delivered_at, d.created_at
                  from webhook_deliveries d
                  join webhook_events ev on ev.tenant_id = d.tenant_id and ev.id = d.event_id
                 where d.tenant_id = ? and d.endpoint_id = ?
                 order by d.seq desc
                 limit ?
                """).params(tenant.value(), endpoint, limit)
                .query((rs, n) -> new Delivery(rs.getObject("id", UUID.class), rs.getObject("event_id", UUID.class),
                        rs.getString("type"), Delivery.Status.valueOf(rs.getString("status")), rs.getInt("attempts"),
                        rs.getObject("last_status_code", Integer.class), rs.getString("last_error"),
                        instant(rs, "next_attempt_at"), instant(rs, "delivered_at"), instant(rs, "created_at"), List.of()))
                .list();
        if (found.isEmpty()) {
            return found;
        }
        Map<UUID, List<Delivery.Attempt>> log = new HashMap<>();
        jdbc.sql("""
                select delivery_id, attempt, at, status_code, latency_ms, response_excerpt, error
                  from webhook_attempts where tenant_id = ? and delivery_id = any(?) order by delivery_id, attempt
                """).params(tenant.value(), found.stream().map(Delivery::id).toArray(UUID[]::new))
                .query((rs, n) -> Map.entry(rs.getObject("delivery_id", UUID.class), new Delivery.Attempt(
                        rs.getInt("attempt"), instant(rs, "at"), rs.getObject("status_code", Integer.class),
                        rs.getInt("latency_ms"), rs.getString("response_excerpt"), rs.getString("error"))))
                .list().forEach(e -> log.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return found.stream().map(d -> new Delivery(d.id(), d.eventId(), d.type(), d.status(), d.attempts(),
                d.lastStatusCode(), d.lastError(), d.nextAttemptAt(), d.deliveredAt(), d.createdAt(),
                List.copyOf(log.getOrDefault(d.id(), List.of())))).toList();
    }

    /** Sends a delivery again from now, with the same event (and so the same webhook-id). False when unknown. */
    boolean resend(TenantId tenant, UUID endpoint, UUID delivery, Instant now) {
        return jdbc.sql("""
                update webhook_deliveries
                   set status = 'PENDING', next_attempt_at = :now, retrying_since = :now, delivered_at = null,
                       lease_until = null, lease_token = null
                 where tenant_id = :tenant and endpoint_id = :endpoint and id = :id
                """).param("tenant", tenant.value()).param("endpoint", endpoint).param("id", delivery)
                .param("now", at(now)).update() == 1;
    }

    /**
     * Claims up to {@code batch} due deliveries of enabled endpoints, across tenants, for {@code token} until
     * {@code leaseUntil}. SKIP LOCKED lets several workers claim at once without waiting for each other, and the lease
     * (not a transaction held open over the HTTP call) keeps a claimed delivery from every other worker until its
     * outcome is recorded or the lease runs out. The tenants with due deliveries are found first (a read, no lock),
     * longest waiting first, and each tenant's deliveries are then claimed by a statement that names the tenant: on
     * Citus a row lock is taken only in a single-shard statement, which this keeps on the tenant's node.
     */
    List<Claimed> claim(Instant now, Instant leaseUntil, UUID token, int batch) {
        List<UUID> tenants = jdbc.sql("""
                select tenant_id from webhook_deliveries
                 where status = 'PENDING' and next_attempt_at <= :now and (lease_until is null or lease_until < :now)
                 group by tenant_id order by min(next_attempt_at) limit :batch
                """).param("now", at(now)).param("batch", batch).query(UUID.class).list();
        List<Claimed> claimed = new ArrayList<>();
        for (UUID tenant : tenants) {
            if (claimed.size() >= batch) {
                break;
            }
            claimed.addAll(jdbc.sql(CLAIM).param("tenant", tenant).param("now", at(now)).param("leaseUntil", at(leaseUntil))
                    .param("token", token).param("batch", batch - claimed.size())
                    .query((rs, n) -> new Claimed(new TenantId(tenant),
                            rs.getObject("id", UUID.class), rs.getObject("endpoint_id", UUID.class),
                            rs.getObject("event_id", UUID.class), rs.getString("type"), rs.getString("body"),
                            rs.getString("url"), rs.getString("secret_sealed"), rs.getInt("attempts"),
                            instant(rs, "retrying_since")))
                    .list());
        }
        return claimed;
    }

    private static final String CLAIM = """
            with claimed as (
                update webhook_deliveries d set lease_until = :leaseUntil, lease_token = :token
                 where d.tenant_id = :tenant and d.id in (
                       select due.id from webhook_deliveries due
                         join webhook_endpoints e on e.tenant_id = :tenant and e.id = due.endpoint_id
                        where due.tenant_id = :tenant and due.status = 'PENDING' and due.next_attempt_at <= :now
                          and (due.lease_until is null or due.lease_until < :now) and e.enabled
                        order by due.next_attempt_at
                        limit :batch
                          for update of due skip locked)
                returning d.id, d.endpoint_id, d.event_id, d.attempts, d.retrying_since)
            select c.id, c.endpoint_id, c.event_id, c.attempts, c.retrying_since, ev.type, ev.body, e.url, e.secret_sealed
              from claimed c
              join webhook_events ev on ev.tenant_id = :tenant and ev.id = c.event_id
              join webhook_endpoints e on e.tenant_id = :tenant and e.id = c.endpoint_id
            """;

    /**
     * Records an attempt's outcome, if {@code token} still holds the claim: DELIVERED, PENDING again at
     * {@code nextAttemptAt}, or FAILED when that is null. Returns the attempt's number; empty when the claim was lost
     * (its lease ran out and another worker took the delivery over).
     */
    Optional<Integer> recordOutcome(Claimed claimed, UUID token, boolean delivered, Instant nextAttemptAt,
            Integer statusCode, String error, Instant now) {
        return jdbc.sql("""
                update webhook_deliveries
                   set attempts = attempts + 1,
                       status = case when :delivered then 'DELIVERED' when cast(:next as timestamptz) is null then 'FAILED'
                                     else 'PENDING' end,
                       next_attempt_at = case when :delivered then null else cast(:next as timestamptz) end,
                       delivered_at = case when :delivered then cast(:now as timestamptz) end,
                       last_status_code = :code, last_error = :error, lease_until = null, lease_token = null
                 where tenant_id = :tenant and id = :id and lease_token = :token
                returning attempts
                """)
                .param("tenant", claimed.tenant().value()).param("id", claimed.deliveryId()).param("token", token)
                .param("delivered", delivered).param("next", nextAttemptAt == null ? null : at(nextAttemptAt), Types.TIMESTAMP_WITH_TIMEZONE)
                .param("now", at(now)).param("code", statusCode, Types.INTEGER).param("error", error, Types.VARCHAR)
                .query(Integer.class).optional();
    }

    void logAttempt(Claimed claimed, int attempt, Instant at, Integer statusCode, int latencyMs, String excerpt,
            String error) {
        jdbc.sql("""
                insert into webhook_attempts (tenant_id, delivery_id, attempt, at, status_code, latency_ms,
                                              response_excerpt, error)
                values (?, ?, ?, ?, ?, ?, ?, ?)
                """).params(claimed.tenant().value(), claimed.deliveryId(), attempt, at(at), statusCode, latencyMs,
                        excerpt, error).update();
    }

    void succeeded(TenantId tenant, UUID endpoint) {
        jdbc.sql("update webhook_endpoints set failing_since = null where tenant_id = ? and id = ? and failing_since is not null")
                .params(tenant.value(), endpoint).update();
    }

    /**
     * Notes a failed attempt on the endpoint and, once it has been failing since {@code disableBefore} or earlier,
     * disables it. Returns the endpoint when this call disabled it.
     */
    Optional<Endpoint> failed(TenantId tenant, UUID endpoint, Instant now, Instant disableBefore, String reason) {
        jdbc.sql("update webhook_endpoints set failing_since = ? where tenant_id = ? and id = ? and failing_since is null")
                .params(at(now), tenant.value(), endpoint).update();
        return jdbc.sql("""
                update webhook_endpoints set enabled = false, disabled_at = :now, disabled_reason = :reason,
                       updated_at = :now
                 where tenant_id = :tenant and id = :id and enabled and failing_since <= :before
                returning """ + " " + ENDPOINT_COLUMNS)
                .param("tenant", tenant.value()).param("id", endpoint).param("now", at(now))
                .param("before", at(disableBefore)).param("reason", reason)
                .query(WebhookStore::endpoint).optional();
    }

    /**
     * Deletes up to {@code batch} deliveries that finished (delivered, or failed for good) before {@code before},
     * with their attempts (cascade); how many. A resent delivery counts from its resend.
     */
    int deleteFinishedDeliveries(Instant before, int batch) {
        return jdbc.sql("""
                delete from webhook_deliveries d
                 where (d.tenant_id, d.id) in (
                       select old.tenant_id, old.id from webhook_deliveries old
                        where old.status <> 'PENDING' and coalesce(old.delivered_at, old.retrying_since) < :before
                          and old.created_at < :before
                        limit :batch)
                """).param("before", at(before)).param("batch", batch).update();
    }

    /** Deletes up to {@code batch} events written before {@code before} that no delivery refers to any more; how many. */
    int deleteUndeliverableEvents(Instant before, int batch) {
        return jdbc.sql("""
                delete from webhook_events e
                 where (e.tenant_id, e.id) in (
                       select old.tenant_id, old.id from webhook_events old
                        where old.created_at < :before
                          and not exists (select 1 from webhook_deliveries d
                                           where d.tenant_id = old.tenant_id and d.event_id = old.id)
                        limit :batch)
                """).param("before", at(before)).param("batch", batch).update();
    }

    private static Endpoint endpoint(ResultSet rs, int n) throws SQLException {
        return new Endpoint(rs.getObject("id", UUID.class), rs.getString("url"),
                List.copyOf(Arrays.asList((String[]) rs.getArray("events").getArray())), rs.getString("description"),
                rs.getBoolean("enabled"), instant(rs, "failing_since"), rs.getString("disabled_reason"),
                instant(rs, "created_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}

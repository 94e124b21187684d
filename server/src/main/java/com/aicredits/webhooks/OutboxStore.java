package com.aicredits.webhooks;

import static com.aicredits.shared.SqlTime.at;
import static com.aicredits.shared.SqlTime.instant;

import com.aicredits.shared.TenantId;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.ToIntFunction;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for V20's outbox: webhook_events, their webhook_deliveries and each delivery's webhook_attempts. Every statement
 * but the worker's claim and the clean-up's deletes (all tenants, by age) names its tenant.
 */
@Repository
class OutboxStore {

    private final JdbcClient jdbc;

    OutboxStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What the worker needs for one claimed delivery. */
    record Claimed(TenantId tenant, UUID deliveryId, UUID endpointId, UUID eventId, String type, String body, String url,
            String sealedSecret, int attempts, Instant retryingSince) {
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

    /**
     * Sends a delivery again from now, with the same event (and so the same webhook-id). False when unknown. An attempt
     * running meanwhile keeps its claim, so that it is logged when it ends (its outcome then decides, as for any
     * attempt): taking the claim from it lost that attempt from the log (a probe of December 5).
     */
    boolean resend(TenantId tenant, UUID endpoint, UUID delivery, Instant now) {
        return jdbc.sql("""
                update webhook_deliveries
                   set status = 'PENDING', next_attempt_at = :now, retrying_since = :now, delivered_at = null,
                       lease_token = case when lease_until > :now then lease_token end,
                       lease_until = case when lease_until > :now then lease_until end
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
        return claim(now, leaseUntil, token, batch, tenant -> batch);
    }

    /**
     * The same, at most {@code room.applyAsInt(tenant)} of each tenant's: a worker keeps one tenant's slow receivers
     * from taking every attempt it can run at once ({@link DeliveryWorker}).
     */
    List<Claimed> claim(Instant now, Instant leaseUntil, UUID token, int batch, ToIntFunction<UUID> room) {
        List<UUID> tenants = jdbc.sql("""
                select tenant_id from webhook_deliveries
                 where status = 'PENDING' and next_attempt_at <= :now and (lease_until is null or lease_until < :now)
                 group by tenant_id order by min(next_attempt_at) limit :tenants
                """).param("now", at(now)).param("tenants", batch * 4).query(UUID.class).list();
        List<Claimed> claimed = new ArrayList<>();
        for (UUID tenant : tenants) {
            int take = Math.min(batch - claimed.size(), room.applyAsInt(tenant));
            if (claimed.size() >= batch) {
                break;
            }
            if (take <= 0) {
                continue;
            }
            claimed.addAll(jdbc.sql(CLAIM).param("tenant", tenant).param("now", at(now)).param("leaseUntil", at(leaseUntil))
                    .param("token", token).param("batch", take)
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
}

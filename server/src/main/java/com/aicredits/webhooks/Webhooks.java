package com.aicredits.webhooks;

import com.aicredits.shared.SecretBox;
import com.aicredits.directory.Directory;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.StorableText;
import com.aicredits.shared.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhooks module's one entry point: endpoints (register, change, remove), their delivery log, resend and test,
 * and {@link #record}, which writes an event to the outbox inside the transaction of the change that causes it.
 * The {@link DeliveryWorker} sends what the outbox holds after commit.
 */
@Service
public class Webhooks {

    public static final int DESCRIPTION_LENGTH_MAX = 500;
    static final int EVENTS_MAX = 50;
    static final int DELIVERIES_SHOWN = 100;

    private final EndpointStore endpoints;
    private final OutboxStore outbox;
    private final Subscriptions subscriptions;
    private final Targets targets;
    private final SecretBox secrets;
    private final DeliveryWorker worker;
    private final Directory directory;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;

    Webhooks(EndpointStore endpoints, OutboxStore outbox, Subscriptions subscriptions, Targets targets,
            SecretBox secrets, DeliveryWorker worker, Directory directory, TransactionTemplate transactions,
            JsonMapper json, Clock clock) {
        this.endpoints = endpoints;
        this.outbox = outbox;
        this.subscriptions = subscriptions;
        this.targets = targets;
        this.secrets = secrets;
        this.worker = worker;
        this.directory = directory;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Registers an endpoint with a fresh signing secret. The same {@code idempotencyKey} with the same URL, events
     * and description answers the same endpoint and secret again (a client that lost the first answer still learns
     * its secret); with anything else, IDEMPOTENCY_KEY_REUSED.
     */
    public Outcome<Registered> register(TenantId tenant, String url, List<String> events, String description,
            String idempotencyKey) {
        var target = checkUrl(url);
        var invalid = target.refused().or(() -> invalidEvents(events)).or(() -> invalidDescription(description));
        if (invalid.isPresent()) {
            return invalid.get().as();
        }
        if (directory.tenant(tenant).isEmpty()) {
            return Refused.notFound("tenant");
        }
        var wanted = distinct(events);
        String stored = description == null || description.isBlank() ? null : description.strip();
        if (idempotencyKey != null) {
            var earlier = endpoints.endpointByKey(tenant, idempotencyKey);
            if (earlier.isPresent()) {
                return replay(tenant, earlier.get(), url, wanted, stored, idempotencyKey, target.unresolvedHost());
            }
        }
        UUID id = UUID.randomUUID();
        String secret = Signature.newSecret();
        String sealed = secrets.seal(secret, context(tenant, id));
        try {
            transactions.executeWithoutResult(tx -> endpoints.insertEndpoint(tenant, id, url, wanted, stored, sealed,
                    idempotencyKey, now()));
        } catch (DuplicateKeyException raced) {
            // the same key's first request committed between our look and our insert
            return replay(tenant, endpoints.endpointByKey(tenant, idempotencyKey).orElseThrow(), url, wanted, stored,
                    idempotencyKey, target.unresolvedHost());
        }
        subscriptions.forget(tenant);
        return Outcome.done(new Registered(endpoints.endpoint(tenant, id).orElseThrow(), secret, false,
                target.unresolvedHost()));
    }

    private Outcome<Registered> replay(TenantId tenant, EndpointStore.Keyed earlier, String url, List<String> events,
            String description, String key, String unresolvedHost) {
        var e = earlier.endpoint();
        if (!e.url().equals(url) || !e.events().equals(events) || !Objects.equals(e.description(), description)) {
            return Refused.keyReused(key);
        }
        String secret = secrets.open(earlier.sealedSecret(), context(tenant, e.id()));
        return Outcome.done(new Registered(e, secret, true, unresolvedHost));
    }

    /** Empty for an unknown tenant. */
    public Optional<List<Endpoint>> endpoints(TenantId tenant) {
        return directory.tenant(tenant).map(t -> endpoints.endpoints(tenant));
    }

    public Optional<Endpoint> endpoint(TenantId tenant, UUID id) {
        return endpoints.endpoint(tenant, id);
    }

    /** Applies every field the change names, or none. Enabling an endpoint starts its 24 hours of failures afresh. */
    public Outcome<Endpoint> change(TenantId tenant, UUID id, EndpointChange change) {
        var invalid = (change.url() == null ? Optional.<Refused<?>>empty() : invalidUrl(change.url()))
                .or(() -> change.events() == null ? Optional.empty() : invalidEvents(change.events()))
                .or(() -> invalidDescription(change.description()));
        if (invalid.isPresent()) {
            return invalid.get().as();
        }
        var normalized = new EndpointChange(change.url(), change.events() == null ? null : distinct(change.events()),
                change.enabled(), change.description() == null ? null : change.description().strip());
        var changed = transactions.execute(tx -> endpoints.change(tenant, id, normalized, now()));
        subscriptions.forget(tenant);
        return changed.<Outcome<Endpoint>>map(Outcome::done).orElseGet(() -> Refused.notFound("webhook"));
    }

    /** Removes the endpoint with its deliveries and their log. False when there was no such endpoint. */
    public boolean delete(TenantId tenant, UUID id) {
        boolean deleted = Boolean.TRUE.equals(transactions.execute(tx -> endpoints.delete(tenant, id)));
        subscriptions.forget(tenant);
        return deleted;
    }

    /** Sends a {@code webhook.test} event to this endpoint (whatever it subscribes to); the delivery's id. */
    public Outcome<UUID> sendTest(TenantId tenant, UUID endpoint) {
        var delivery = transactions.execute(tx -> {
            if (endpoints.endpoint(tenant, endpoint).isEmpty()) {
                return Optional.<UUID>empty();
            }
            var data = new LinkedHashMap<String, Object>();
            data.put("tenantId", tenant.value().toString());
            data.put("endpointId", endpoint.toString());
            data.put("message", "a test event from AI Credits");
            return write(tenant, EventTypes.TEST, data, endpoint).stream().findFirst();
        });
        return delivery.<Outcome<UUID>>map(Outcome::done).orElseGet(() -> Refused.notFound("webhook"));
    }

    /** The endpoint's latest deliveries, newest first, each with its attempts. */
    public Outcome<List<Delivery>> deliveries(TenantId tenant, UUID endpoint) {
        if (endpoints.endpoint(tenant, endpoint).isEmpty()) {
            return Refused.notFound("webhook");
        }
        return Outcome.done(outbox.deliveries(tenant, endpoint, DELIVERIES_SHOWN));
    }

    /** Delivers the same event (the same webhook-id) again, from now, with a fresh 24 hours of retries. */
    public Outcome<UUID> resend(TenantId tenant, UUID endpoint, UUID delivery) {
        boolean found = Boolean.TRUE.equals(transactions.execute(tx -> {
            boolean resent = outbox.resend(tenant, endpoint, delivery, now());
            if (resent) {
                wakeAfterCommit();
            }
            return resent;
        }));
        return found ? Outcome.done(delivery) : Refused.notFound("delivery");
    }

    /**
     * Writes an event of {@code type} with {@code data} to the outbox, with a delivery for each enabled endpoint of
     * the tenant subscribed to it; nothing when none is (known from a cache: no query in the common case). Must run
     * inside the transaction of the change that causes the event, so the event exists exactly when the change
     * does; the worker delivers it after commit. Returns how many deliveries were written.
     */
    public int record(TenantId tenant, String type, Map<String, Object> data) {
        if (!EventTypes.recordable(type)) {
            throw new IllegalArgumentException("not a webhook event type: " + type);
        }
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("a webhook event is recorded inside the transaction that causes it");
        }
        if (!wants(tenant, type)) {
            return 0;
        }
        return write(tenant, type, data, null).size();
    }

    /** Whether any enabled endpoint of the tenant subscribes to {@code type}; for a publisher that must gather its data. */
    boolean wants(TenantId tenant, String type) {
        return subscriptions.wanted(tenant, type);
    }

    private List<UUID> write(TenantId tenant, String type, Map<String, Object> data, UUID onlyEndpoint) {
        Instant now = now();
        UUID eventId = UUID.randomUUID();
        var body = new LinkedHashMap<String, Object>();
        body.put("type", type);
        body.put("timestamp", now.toString());
        body.put("data", data);
        var deliveries = outbox.recordEvent(tenant, eventId, type, json.writeValueAsString(body), onlyEndpoint, now);
        if (!deliveries.isEmpty()) {
            wakeAfterCommit();
        }
        return deliveries;
    }

    private void wakeAfterCommit() {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                worker.wake();
            }
        });
    }

    /** Binds a sealed secret to its row: a secret copied into another endpoint's or tenant's row does not open. */
    static String context(TenantId tenant, UUID endpoint) {
        return "webhook:" + tenant.value() + ":" + endpoint;
    }

    private Optional<Refused<?>> invalidUrl(String url) {
        return checkUrl(url).refused();
    }

    /** A URL's check: its refusal, if any; else {@code unresolvedHost}, its host when that name does not resolve now. */
    private record UrlCheck(Optional<Refused<?>> refused, String unresolvedHost) {
    }

    private UrlCheck checkUrl(String url) {
        var malformed = Targets.malformed(url);
        if (malformed.isPresent()) {
            return new UrlCheck(Optional.of(Refused.invalid("url", malformed.get())), null);
        }
        return switch (targets.check(url)) {
            case Targets.Verdict.Unsafe(var reason) ->
                    new UrlCheck(Optional.of(new Refused<>(Refusal.UNSAFE_WEBHOOK_URL, reason, null, "url")), null);
            // A name that does not resolve yet is accepted: every attempt checks it again before sending.
            case Targets.Verdict.Unresolved(var uri, var host) -> new UrlCheck(Optional.empty(), host);
            case Targets.Verdict.Safe s -> new UrlCheck(Optional.empty(), null);
        };
    }

    private static Optional<Refused<?>> invalidEvents(List<String> events) {
        if (events == null || events.isEmpty()) {
            return Optional.of(Refused.invalid("events", "events lists the event types to receive, or [\"*\"] for all"));
        }
        if (events.size() > EVENTS_MAX) {
            return Optional.of(Refused.invalid("events", "events has at most " + EVENTS_MAX + " entries"));
        }
        for (String type : events) {
            if (type == null || !EventTypes.subscribable(type)) {
                return Optional.of(Refused.invalid("events", "unknown event type " + (type == null ? "null"
                        : "\"" + type.substring(0, Math.min(type.length(), 100)) + "\"") + "; one of "
                        + String.join(", ", EventTypes.SUBSCRIBABLE) + ", or *"));
            }
        }
        return Optional.empty();
    }

    private static Optional<Refused<?>> invalidDescription(String description) {
        if (description != null && description.length() > DESCRIPTION_LENGTH_MAX) {
            return Optional.of(Refused.invalid("description", "description has at most " + DESCRIPTION_LENGTH_MAX + " characters"));
        }
        return StorableText.unstorable(description).map(why -> Refused.invalid("description", "description " + why));
    }

    private static List<String> distinct(List<String> events) {
        return new ArrayList<>(new LinkedHashSet<>(events));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}

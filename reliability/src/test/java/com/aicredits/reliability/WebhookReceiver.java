package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook endpoint in the test JVM that refuses one delivery in ten (those are retried after the backoff, across
 * kills too), and the check of what reached it against the service's outbox: every event of the outbox delivered at
 * least once, nothing received that the outbox lacks, and exactly one event per credit entry written after the
 * endpoint was registered, so no kill lost an event or wrote one for a change that did not commit. Alerts (events of
 * no entry) are checked for delivery only.
 */
final class WebhookReceiver implements AutoCloseable {

    /** The service's settings for deliveries to loopback, retried within a test's patience. */
    static final List<String> SERVICE_SETTINGS = List.of("--aicredits.webhooks.allow-private-targets=true",
            "--aicredits.webhooks.retry.initial=200ms", "--aicredits.webhooks.retry.max-delay=1s",
            "--aicredits.webhooks.poll-interval=500ms",
            "--aicredits.secrets.key=cmVsaWFiaWxpdHktdGVzdC1rZXktb2YtMzItYnl0ZXM=");

    private static final Duration DELIVERED_WITHIN = Duration.ofSeconds(90);

    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server;
    private UUID endpoint;

    private WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            int status = requests.incrementAndGet() % 10 == 0 ? 500 : 204;
            if (status == 204) {
                received.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    static WebhookReceiver start() throws IOException {
        return new WebhookReceiver();
    }

    /**
     * Registers this receiver for every event of the rig's tenant, whose users' low-balance alert is raised to half
     * their credits so that the workload's charges cross it: alerts are raised after their change commits, and their
     * events too must survive the kills.
     */
    void register(Rig<?> rig) throws IOException {
        rig.api.alertUsersBelow(rig.tenant.adminKey(), rig.tenant.id(), 50);
        endpoint = rig.api.registerWebhook(rig.tenant.adminKey(), rig.tenant.id(),
                "http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    /** Waits until the outbox is delivered, checks it against what arrived and the ledger; returns a summary line. */
    String verify(Rig<?> rig) throws SQLException {
        Instant until = Instant.now().plus(DELIVERED_WITHIN);
        while (undelivered(rig) > 0 && Instant.now().isBefore(until)) {
            ServiceProcess.pause(Duration.ofMillis(250));
        }
        assertThat(undelivered(rig)).as("deliveries not yet DELIVERED %s after the workload stopped", DELIVERED_WITHIN)
                .isZero();

        var outbox = outbox(rig);
        assertThat(outbox).as("events in the outbox").isNotEmpty();
        assertThat(received.keySet()).as("webhook-ids received").containsExactlyInAnyOrderElementsOf(outbox.keySet());
        assertThat(byEntry(outbox).keySet()).as("the outbox's events, by the ledger entry each describes")
                .containsExactlyInAnyOrderElementsOf(creditEntriesAfterRegistration(rig));
        long redelivered = received.values().stream().filter(n -> n.get() > 1).count();
        long alerts = outbox.values().stream().filter(entry -> entry.isEmpty()).count();
        return "%d webhook events (%d of them alerts), each delivered (%d more than once), %d requests, one in ten refused"
                .formatted(outbox.size(), alerts, redelivered, requests.get());
    }

    private static int undelivered(Rig<?> rig) throws SQLException {
        try (var db = rig.database.connect();
                var q = db.prepareStatement("select count(*) from webhook_deliveries where tenant_id = ? and status <> 'DELIVERED'")) {
            q.setObject(1, rig.tenant.id());
            try (var rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * The tenant's outbox: event id → the ledger entry the event describes, empty for an event that describes none
     * (an alert: a user low or used up, the pool low or short, which the workload's charges and assigns may cause).
     */
    private static Map<String, String> outbox(Rig<?> rig) throws SQLException {
        var events = new HashMap<String, String>();
        try (var db = rig.database.connect();
                var q = db.prepareStatement("select id, cast(body as jsonb) -> 'data' ->> 'entryId' from webhook_events where tenant_id = ?")) {
            q.setObject(1, rig.tenant.id());
            try (var rs = q.executeQuery()) {
                while (rs.next()) {
                    events.put(rs.getString(1), rs.getString(2) == null ? "" : rs.getString(2));
                }
            }
        }
        return events;
    }

    /** entry id → event id, for the events that describe an entry; an entry described by two events fails here. */
    private static Map<String, String> byEntry(Map<String, String> outbox) {
        var events = new HashMap<String, String>();
        outbox.forEach((event, entry) -> {
            if (!entry.isEmpty()) {
                assertThat(events.put(entry, event)).as("a second event for entry " + entry).isNull();
            }
        });
        return events;
    }

    private List<String> creditEntriesAfterRegistration(Rig<?> rig) throws SQLException {
        var entries = new ArrayList<String>();
        try (var db = rig.database.connect();
                var q = db.prepareStatement("""
                        select e.public_id from ledger_entries e
                         where e.tenant_id = ? and e.type in ('PURCHASE', 'ASSIGN', 'ADD', 'REMOVE', 'ALLOWANCE')
                           and e.at > (select created_at from webhook_endpoints where tenant_id = e.tenant_id and id = ?)
                        """)) {
            q.setObject(1, rig.tenant.id());
            q.setObject(2, endpoint);
            try (var rs = q.executeQuery()) {
                while (rs.next()) {
                    entries.add(rs.getString(1));
                }
            }
        }
        return entries;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Webhook deliveries survive SIGKILL: the service is killed three times while a workload changes credits (each
 * change writing an event to the outbox) and a receiver in this JVM takes deliveries, failing one in ten. After the
 * last restart every event of the outbox reaches the receiver (at least once), nothing it received is missing from
 * the outbox, and the outbox holds exactly one event per credit entry written after the endpoint was registered:
 * no kill lost an event or wrote one for a change that did not commit.
 */
class WebhookCrashTest {

    private static final int CLIENTS = 8;
    private static final int KILLS = 3;

    @Test
    void everyEventInTheOutboxIsDeliveredAfterTheServiceIsKilled() throws Exception {
        var received = new ConcurrentHashMap<String, AtomicInteger>();
        var requests = new AtomicInteger();
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            // one in ten refused: those are retried after the backoff, across kills too
            int status = requests.incrementAndGet() % 10 == 0 ? 500 : 204;
            if (status == 204) {
                received.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        try (var rig = Rig.start("webhooks", List.of("--aicredits.webhooks.allow-private-targets=true",
                "--aicredits.webhooks.retry.initial=200ms", "--aicredits.webhooks.retry.max-delay=1s",
                "--aicredits.webhooks.poll-interval=500ms",
                "--aicredits.secrets.key=cmVsaWFiaWxpdHktdGVzdC1rZXktb2YtMzItYnl0ZXM="))) {
            UUID endpoint = rig.api.registerWebhook(rig.tenant.adminKey(), rig.tenant.id(), url);
            Random faults = rig.seed.stream(7);
            rig.workload.start(CLIENTS);
            for (int kill = 0; kill < KILLS; kill++) {
                ServiceProcess.pause(Duration.ofMillis(1_500 + faults.nextInt(2_500)));
                rig.service.kill();
                ServiceProcess.pause(Duration.ofMillis(faults.nextInt(1_000)));
                rig.service.start();
            }
            ServiceProcess.pause(Duration.ofSeconds(1));
            rig.workload.stop();

            Instant until = Instant.now().plus(Duration.ofSeconds(90));
            while (undelivered(rig) > 0 && Instant.now().isBefore(until)) {
                ServiceProcess.pause(Duration.ofMillis(250));
            }
            assertThat(undelivered(rig)).as("deliveries not yet DELIVERED 90 s after the workload stopped").isZero();

            var events = eventsByEntry(rig);
            assertThat(events).as("events in the outbox").isNotEmpty();
            var outboxIds = new ArrayList<String>(events.values());
            assertThat(received.keySet()).as("webhook-ids received").containsExactlyInAnyOrderElementsOf(outboxIds);
            long redelivered = received.values().stream().filter(n -> n.get() > 1).count();

            var entries = creditEntriesAfterRegistration(rig, endpoint);
            assertThat(events.keySet()).as("the outbox's events, by the ledger entry each describes")
                    .containsExactlyInAnyOrderElementsOf(entries);
            int checked = rig.verifyLedger();
            rig.report("webhooks", "%d SIGKILLs; %d events, each delivered (%d more than once), %d requests, one in ten refused"
                    .formatted(KILLS, events.size(), redelivered, requests.get()), checked);
        } finally {
            server.stop(0);
        }
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

    /** entry id → event id; an entry described by two events would collapse here, so that is checked too. */
    private static Map<String, String> eventsByEntry(Rig<?> rig) throws SQLException {
        var events = new HashMap<String, String>();
        try (var db = rig.database.connect();
                var q = db.prepareStatement("select id, cast(body as jsonb) -> 'data' ->> 'entryId' from webhook_events where tenant_id = ?")) {
            q.setObject(1, rig.tenant.id());
            try (var rs = q.executeQuery()) {
                while (rs.next()) {
                    assertThat(events.put(rs.getString(2), rs.getString(1))).as("a second event for entry " + rs.getString(2))
                            .isNull();
                }
            }
        }
        return events;
    }

    private static List<String> creditEntriesAfterRegistration(Rig<?> rig, UUID endpoint) throws SQLException {
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
}

package com.aicredits.live;

import com.aicredits.directory.PeopleChanged;
import com.aicredits.ledger.CreditsChanged;
import com.aicredits.shared.PostgresChannel;
import com.aicredits.shared.TenantId;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Fans committed credit changes out to the open pages of the tenant, on every instance of the service.
 * Changes are coalesced per tenant and published at most every {@code aicredits.live.flush-interval}
 * (200 ms) on a PostgreSQL channel that all instances listen to: a thousand charges a second become five
 * small notifications, a change made through one instance reaches pages served by another, and every page
 * still hears within a second. A page that reconnects refreshes itself, and so does every page of an
 * instance whose channel reconnects, so nothing missed while away stays missed.
 */
@Service
public class LiveUpdates implements SmartLifecycle {

    /** The SSE event name pages listen for; its data is a comma-separated list of changed user ids, or *. */
    public static final String EVENT = "credits";
    /** Everything may have changed: a message too long for a notification, or a catch-up after an outage. */
    private static final String EVERYTHING = "*";
    /** PostgreSQL refuses notification payloads of 8,000 bytes or more. */
    private static final int MAX_PAYLOAD = 7_000;

    private static final Logger log = LoggerFactory.getLogger(LiveUpdates.class);

    private final Map<TenantId, Set<SseEmitter>> listeners = new ConcurrentHashMap<>();
    private final PendingChanges pending = new PendingChanges();
    private final PostgresChannel channel;
    private final Duration timeout;

    LiveUpdates(HikariDataSource dataSource, @Value("${aicredits.live.connection-timeout:30m}") Duration timeout) {
        this.channel = new PostgresChannel(dataSource, "aicredits_credits");
        this.timeout = timeout;
    }

    /** A stream for one page; the browser's EventSource reconnects when it ends or drops. */
    public SseEmitter subscribe(TenantId tenant) {
        var emitter = new SseEmitter(timeout.toMillis());
        var set = listeners.computeIfAbsent(tenant, t -> new CopyOnWriteArraySet<>());
        set.add(emitter);
        Runnable remove = () -> set.remove(emitter);
        emitter.onCompletion(remove);
        emitter.onTimeout(remove);
        emitter.onError(e -> remove.run());
        try {
            emitter.send(SseEmitter.event().comment("connected"));
        } catch (IOException e) {
            remove.run();
        }
        return emitter;
    }

    /** Every change is published, whether or not this instance has pages open: another one may. */
    @TransactionalEventListener(fallbackExecution = true)
    void on(CreditsChanged change) {
        changed(change.tenantId(), change.userId() == null ? "pool" : change.userId().toString());
    }

    /** After the change commits: the Users pages redraw their list ({@code people} in live.js). */
    @TransactionalEventListener(fallbackExecution = true)
    void on(PeopleChanged change) {
        changed(change.tenantId(), "people");
    }

    /**
     * Tells the tenant's open pages that {@code what} changed (for example "notifications", or "requests"),
     * coalesced and sent like a credit change. Call it after the change has committed.
     */
    public void announce(TenantId tenant, String what) {
        changed(tenant, what);
    }

    @Scheduled(fixedDelayString = "${aicredits.live.flush-interval:200ms}")
    void flush() {
        var batch = pending.takeAll();
        if (batch.isEmpty()) {
            return;
        }
        try {
            channel.publish(batch.stream().map(entry -> entry.getKey().value() + ":" + payload(entry.getValue())).toList());
        } catch (SQLException e) {
            // The database is away; nothing new can commit while it is, so publish these once it is back.
            log.debug("Could not publish live updates: {}", e.getMessage());
            batch.forEach(unsent -> unsent.getValue().forEach(what -> changed(unsent.getKey(), what)));
        }
    }

    private void changed(TenantId tenant, String what) {
        pending.note(tenant, what);
    }

    private static String payload(Set<String> changed) {
        String joined = String.join(",", changed);
        return joined.length() > MAX_PAYLOAD ? EVERYTHING : joined;
    }

    /** A message from the channel, published by this instance or another: tell this instance's pages. */
    private void received(String message) {
        int colon = message.indexOf(':');
        try {
            var tenant = new TenantId(UUID.fromString(message.substring(0, colon)));
            send(tenant, SseEmitter.event().name(EVENT).data(message.substring(colon + 1)));
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            log.warn("Ignored a malformed live update: {}", message);
        }
    }

    /** The channel was down: whatever happened meanwhile was not heard, so every open page refreshes. */
    private void caughtUp() {
        listeners.keySet().forEach(tenant -> send(tenant, SseEmitter.event().name(EVENT).data(EVERYTHING)));
    }

    /** Proxies and load balancers close idle connections; a comment every 15 s keeps the stream open. */
    @Scheduled(fixedDelayString = "${aicredits.live.keep-alive:15s}")
    void keepAlive() {
        listeners.keySet().forEach(tenant -> send(tenant, SseEmitter.event().comment("keep-alive")));
    }

    // ---- lifecycle: open streams are in-flight requests, and a graceful shutdown would wait for them (30 s).
    // Stopping before the web server's graceful shutdown ends them at once; browsers reconnect elsewhere.

    private volatile boolean running;

    @Override
    public void start() {
        channel.listen(this::received, this::caughtUp);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        channel.close();
        listeners.values().forEach(set -> set.forEach(SseEmitter::complete));
        listeners.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stopped before everything else, the web server's graceful shutdown included. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    private void send(TenantId tenant, SseEmitter.SseEventBuilder event) {
        for (var emitter : listeners.getOrDefault(tenant, Set.of())) {
            try {
                emitter.send(event);
            } catch (IOException | IllegalStateException e) {
                end(emitter, e);
            }
        }
    }

    /**
     * The page has gone (closed, or its connection dropped). Its request may already have been ended by the
     * container with that error, and then ending it again is refused (Tomcat: "after an error had occurred"); it threw
     * out of the loop and the pages after it in the loop were not told.
     */
    private static void end(SseEmitter emitter, Exception why) {
        try {
            emitter.completeWithError(why);
        } catch (IllegalStateException alreadyEnded) {
            log.debug("A page's stream had already ended: {}", alreadyEnded.getMessage());
        }
    }
}

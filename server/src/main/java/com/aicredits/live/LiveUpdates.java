package com.aicredits.live;

import com.aicredits.directory.TenantId;
import com.aicredits.ledger.CreditsChanged;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Fans committed credit changes out to the open pages of the tenant. Changes are coalesced per tenant and
 * sent at most every {@code aicredits.live.flush-interval} (200 ms): a thousand charges a second become
 * five small messages, and every page still hears within a second. A page that reconnects refreshes
 * itself, so nothing missed while it was away stays missed.
 */
@Service
public class LiveUpdates implements SmartLifecycle {

    /** The SSE event name pages listen for; its data is a comma-separated list of changed user ids. */
    public static final String EVENT = "credits";

    private final Map<TenantId, Set<SseEmitter>> listeners = new ConcurrentHashMap<>();
    private final Map<TenantId, Set<String>> pending = new ConcurrentHashMap<>();
    private final Duration timeout;

    LiveUpdates(@Value("${aicredits.live.connection-timeout:30m}") Duration timeout) {
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

    @TransactionalEventListener(fallbackExecution = true)
    void on(CreditsChanged change) {
        if (!listeners.getOrDefault(change.tenantId(), Set.of()).isEmpty()) {
            pending.computeIfAbsent(change.tenantId(), t -> ConcurrentHashMap.newKeySet())
                    .add(change.userId() == null ? "pool" : change.userId().toString());
        }
    }

    @Scheduled(fixedDelayString = "${aicredits.live.flush-interval:200ms}")
    void flush() {
        for (var tenant : pending.keySet()) {
            var changed = pending.remove(tenant);
            if (changed != null && !changed.isEmpty()) {
                send(tenant, SseEmitter.event().name(EVENT).data(String.join(",", changed)));
            }
        }
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
        running = true;
    }

    @Override
    public void stop() {
        running = false;
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
                emitter.completeWithError(e);
            }
        }
    }
}

package com.aicredits.webhooks;

import com.aicredits.TestClock;
import com.aicredits.directory.Directory;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.Ledger;
import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * What the webhook delivery tests share ({@link WebhookDeliveryTest}, {@link WebhookWorkersTest}): deliveries to a
 * real HTTP receiver on loopback (private targets allowed in this context only). The context's own worker is off:
 * each test drives workers by hand, so what a test sees is what its workers did. Short backoff settings (not the
 * production defaults) keep it fast. The settings are declared here, once, so that both subclasses (each carrying
 * {@code @TestApplication}) have the same configuration and share one cached context.
 */
@TestPropertySource(properties = {
        "aicredits.webhooks.allow-private-targets=true",
        "aicredits.webhooks.worker.enabled=false",
        "aicredits.webhooks.timeout=1s",
        "aicredits.webhooks.retry.initial=50ms",
        "aicredits.webhooks.retry.max-delay=200ms",
        "aicredits.webhooks.subscriptions-cache=0s"})
@Import(WebhookDeliveryContext.Disabled.class)
abstract class WebhookDeliveryContext {

    static final Actor ADMIN = new Actor("admin:test");

    @Autowired Webhooks webhooks;
    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired TestClock clock;
    @Autowired JdbcClient jdbc;

    @TestConfiguration(proxyBeanMethods = false)
    static class Disabled {
        final List<WebhookDisabled> heard = new CopyOnWriteArrayList<>();

        @EventListener
        void on(WebhookDisabled event) {
            heard.add(event);
        }
    }

    TenantId tenant() {
        return directory.createTenant("Webhooks " + UUID.randomUUID()).id();
    }

    static Credits credits(long whole) {
        return new Credits(whole * 1000);
    }

    void purchase(TenantId tenant, long credits) {
        ledger.purchase(tenant, credits(credits), "PO-" + UUID.randomUUID(), null, ADMIN, null).orElseThrow();
    }

    /**
     * Runs the worker until nothing is due for {@code quiet}, or {@code limit} passes. The test clock stands still
     * unless moved, so while nothing is due it moves 100 ms on: retries come due as they would in real time.
     */
    void drain(DeliveryWorker w, Duration quiet, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        long idleSince = System.nanoTime();
        while (System.nanoTime() < end) {
            if (w.deliverDue() > 0) {
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince > quiet.toNanos()) {
                return;
            } else {
                clock.advance(Duration.ofMillis(100));
                Thread.sleep(20);
            }
        }
    }

    static String type(String body) {
        int start = body.indexOf("\"type\":\"") + 8;
        return body.substring(start, body.indexOf('"', start));
    }
}

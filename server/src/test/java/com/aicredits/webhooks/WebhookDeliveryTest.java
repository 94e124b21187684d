package com.aicredits.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.shared.TenantId;
import com.svix.Webhook;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Deliveries to one receiver, every signature checked with Svix's Standard Webhooks library: retries of one event
 * under one {@code webhook-id}, the events each credit change and allowance sends with their figures, resends and
 * test events, an endpoint failing for 24 hours disabled, and the outbox clean-up. The last two move the context's
 * test clock a day and a month on; Svix checks a signature's timestamp (taken from that clock) against the real
 * time, so the tests that verify signatures are in this class and run first. {@link WebhookWorkersTest} verifies
 * none, so it may run before or after this class in the shared context.
 */
@TestApplication
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhookDeliveryTest extends WebhookDeliveryContext {

    @Autowired DeliveryWorker worker;
    @Autowired Disabled disabled;
    @Autowired OutboxCleanup cleanup;

    private static void verified(String secret, Receiver.Received r) throws Exception {
        new Webhook(secret).verify(r.body(), r.headers());
    }

    @Test
    @Order(1)
    void a_receiver_that_fails_times_out_and_recovers_gets_the_same_webhook_id_until_it_answers_2xx() throws Exception {
        // 1st: 500, 2nd: no answer within the 1 s timeout (it would come after 6 s), 3rd: 204
        try (var receiver = new Receiver(n -> n == 1 ? 500 : n == 2 ? -6000 : 204)) {
            var tenant = tenant();
            var registered = webhooks.register(tenant, receiver.url(), List.of("purchase.recorded"), "test", null).orElseThrow();
            purchase(tenant, 100);

            drain(worker, Duration.ofMillis(1500), Duration.ofSeconds(20));

            assertThat(receiver.received).hasSize(3);
            var ids = receiver.received.stream().map(r -> r.header("webhook-id")).distinct().toList();
            assertThat(ids).hasSize(1);
            for (var r : receiver.received) {
                verified(registered.secret(), r);
                assertThat(r.header("content-type")).isEqualTo("application/json");
            }
            var body = receiver.received.getFirst().body();
            assertThat(body).startsWith("{\"type\":\"purchase.recorded\",\"timestamp\":").contains("\"data\":{\"tenantId\":\""
                    + tenant.value() + "\"").contains("\"credits\":100");

            var delivery = webhooks.deliveries(tenant, registered.endpoint().id()).orElseThrow().getFirst();
            assertThat(delivery.eventId().toString()).isEqualTo(ids.getFirst());
            assertThat(delivery.status()).isEqualTo(Delivery.Status.DELIVERED);
            assertThat(delivery.attempts()).isEqualTo(3);
            assertThat(delivery.lastStatusCode()).isEqualTo(204);
            assertThat(delivery.deliveredAt()).isNotNull();
            assertThat(delivery.nextAttemptAt()).isNull();
            var log = delivery.log();
            assertThat(log).extracting(Delivery.Attempt::statusCode).containsExactly(500, null, 204);
            assertThat(log.get(0).error()).isEqualTo("answered 500");
            assertThat(log.get(0).responseExcerpt()).isEqualTo("answer 500");
            assertThat(log.get(1).error()).contains("no answer within 1 s");
            assertThat(log.get(1).latencyMs()).as("cut at the 1 s timeout, not answered after 6 s").isBetween(900, 5000);
            assertThat(log.get(2).error()).isNull();
            assertThat(webhooks.endpoint(tenant, registered.endpoint().id()).orElseThrow().failingSince()).isNull();
        }
    }

    @Test
    @Order(2)
    void every_credit_change_reaches_a_subscriber_with_the_figures_and_a_resend_repeats_the_webhook_id() throws Exception {
        try (var receiver = new Receiver(n -> 200)) {
            var tenant = tenant();
            var registered = webhooks.register(tenant, receiver.url(), List.of("*"), null, null).orElseThrow();
            purchase(tenant, 50);
            var user = directory.register(tenant, new NewUser("Ada Lovelace", "ada@" + UUID.randomUUID() + ".example",
                    Role.Planner)).orElseThrow();
            ledger.assign(tenant, user.id(), credits(20), "welcome", ADMIN, null).orElseThrow();
            ledger.add(tenant, user.id(), credits(5), null, ADMIN, null).orElseThrow();
            ledger.remove(tenant, user.id(), credits(3), "too much", ADMIN, null).orElseThrow();
            // refused (more than the pool): rolled back, so no event
            assertThat(ledger.add(tenant, user.id(), credits(1000), null, ADMIN, null))
                    .isInstanceOf(com.aicredits.shared.Refused.class);

            drain(worker, Duration.ofMillis(300), Duration.ofSeconds(10));

            assertThat(receiver.received).extracting(r -> type(r.body()))
                    .containsExactlyInAnyOrder("purchase.recorded", "credits.assigned", "credits.added", "credits.removed");
            var removed = receiver.received.stream().filter(r -> type(r.body()).equals("credits.removed")).findFirst()
                    .orElseThrow();
            verified(registered.secret(), removed);
            assertThat(removed.body()).contains("\"userId\":\"" + user.id().value() + "\"", "\"email\":\"" + user.email() + "\"",
                    "\"credits\":3", "\"assigned\":22", "\"consumed\":0", "\"remaining\":22", "\"actor\":\"admin:test\"",
                    "\"note\":\"too much\"", "\"entryId\":\"");

            var first = webhooks.deliveries(tenant, registered.endpoint().id()).orElseThrow().getLast();
            assertThat(webhooks.resend(tenant, registered.endpoint().id(), first.id()).orElseThrow()).isEqualTo(first.id());
            drain(worker, Duration.ofMillis(300), Duration.ofSeconds(10));
            assertThat(receiver.received).hasSize(5);
            assertThat(receiver.received.getLast().header("webhook-id")).isEqualTo(first.eventId().toString());
            verified(registered.secret(), receiver.received.getLast());

            var test = webhooks.sendTest(tenant, registered.endpoint().id()).orElseThrow();
            drain(worker, Duration.ofMillis(300), Duration.ofSeconds(10));
            assertThat(type(receiver.received.getLast().body())).isEqualTo("webhook.test");
            verified(registered.secret(), receiver.received.getLast());
            assertThat(webhooks.deliveries(tenant, registered.endpoint().id()).orElseThrow().getFirst().id()).isEqualTo(test);
        }
    }

    @Test
    @Order(3)
    void an_allowance_the_pool_cannot_cover_sends_allowance_granted_and_pool_short() throws Exception {
        try (var receiver = new Receiver(n -> 200)) {
            var tenant = tenant();
            webhooks.register(tenant, receiver.url(), List.of("allowance.granted", "pool.short"), null, null).orElseThrow();
            purchase(tenant, 30);
            var user = directory.register(tenant, new NewUser("Bo", "bo@" + UUID.randomUUID() + ".example", Role.Viewer))
                    .orElseThrow();
            ledger.allowances().set(tenant, user.id(), new com.aicredits.settings.AllowanceTerms(credits(50),
                    com.aicredits.settings.Period.MONTHLY, com.aicredits.settings.AllowanceMode.RESET), null, ADMIN)
                    .orElseThrow();
            drain(worker, Duration.ofMillis(300), Duration.ofSeconds(10));
            assertThat(receiver.received).extracting(r -> type(r.body()))
                    .containsExactlyInAnyOrder("allowance.granted", "pool.short");
            var shortfall = receiver.received.stream().filter(r -> type(r.body()).equals("pool.short")).findFirst()
                    .orElseThrow().body();
            assertThat(shortfall).contains("\"due\":50", "\"granted\":30", "\"shortfall\":20", "\"email\":\"" + user.email());
            var granted = receiver.received.stream().filter(r -> type(r.body()).equals("allowance.granted")).findFirst()
                    .orElseThrow().body();
            assertThat(granted).contains("\"credits\":30", "\"remaining\":30", "\"actor\":\"allowance\"", "\"period\":\"MONTHLY ");
        }
    }

    /** Moves the shared test clock a day on: the last test of this class. */
    @Test
    @Order(99)
    void an_endpoint_failing_for_24_hours_is_disabled_and_its_delivery_given_up() throws Exception {
        try (var receiver = new Receiver(n -> 503)) {
            var tenant = tenant();
            var registered = webhooks.register(tenant, receiver.url(), List.of("purchase.recorded"), null, null).orElseThrow();
            var id = registered.endpoint().id();
            purchase(tenant, 10);
            drain(worker, Duration.ofMillis(300), Duration.ofSeconds(5));
            var failing = webhooks.endpoint(tenant, id).orElseThrow();
            assertThat(failing.enabled()).isTrue();
            assertThat(failing.failingSince()).isNotNull();
            assertThat(webhooks.deliveries(tenant, id).orElseThrow().getFirst().status()).isEqualTo(Delivery.Status.PENDING);

            clock.advance(Duration.ofHours(24).plusMinutes(1));
            drain(worker, Duration.ofMillis(300), Duration.ofSeconds(5));

            var off = webhooks.endpoint(tenant, id).orElseThrow();
            assertThat(off.enabled()).isFalse();
            assertThat(off.disabledReason()).contains("24 hours");
            assertThat(disabled.heard).anyMatch(e -> e.endpointId().equals(id) && e.tenantId().equals(tenant));
            var delivery = webhooks.deliveries(tenant, id).orElseThrow().getFirst();
            assertThat(delivery.status()).isEqualTo(Delivery.Status.FAILED);
            assertThat(delivery.nextAttemptAt()).isNull();
            assertThat(delivery.lastStatusCode()).isEqualTo(503);
            int attempts = receiver.received.size();
            assertThat(attempts).isEqualTo(delivery.attempts()).isGreaterThanOrEqualTo(2);

            // re-enabled: failures count afresh; nothing more is sent for the given-up delivery
            webhooks.change(tenant, id, new EndpointChange(null, null, true, null)).orElseThrow();
            assertThat(webhooks.endpoint(tenant, id).orElseThrow().failingSince()).isNull();
            drain(worker, Duration.ofMillis(300), Duration.ofSeconds(3));
            assertThat(receiver.received).hasSize(attempts);
        }
    }

    /**
     * The outbox clean-up deletes what finished more than the retention (30 days) ago: delivered and failed
     * deliveries with their attempt log, the events left without deliveries, sent and given-up e-mails; a pending
     * delivery, its event, an unsent e-mail and anything younger stay.
     */
    @Test
    @Order(100)
    void the_clean_up_deletes_what_finished_before_the_retention_and_keeps_the_rest() throws Exception {
        try (var receiver = new Receiver(n -> 200); var failing = new Receiver(n -> 503)) {
            var tenant = tenant();
            var ok = webhooks.register(tenant, receiver.url(), List.of("purchase.recorded"), "ok", null).orElseThrow();
            var down = webhooks.register(tenant, failing.url(), List.of("purchase.recorded"), "down", null).orElseThrow();
            purchase(tenant, 10);
            drain(worker, Duration.ofMillis(300), Duration.ofSeconds(2));
            assertThat(receiver.received).hasSize(1);
            email(tenant, "sent", true, false);
            email(tenant, "given-up", false, true);
            email(tenant, "unsent", false, false);

            clock.advance(Duration.ofDays(31));
            email(tenant, "young", true, false);
            var cleaned = cleanup.run();

            assertThat(cleaned.deliveries()).isGreaterThanOrEqualTo(1);
            assertThat(cleaned.emails()).isGreaterThanOrEqualTo(2);
            assertThat(webhooks.deliveries(tenant, ok.endpoint().id()).orElseThrow()).isEmpty();
            assertThat(jdbc.sql("select count(*) from webhook_attempts a join webhook_deliveries d on d.tenant_id = a.tenant_id and d.id = a.delivery_id where d.endpoint_id = ?")
                    .params(ok.endpoint().id()).query(Long.class).single()).isZero();
            // The failing endpoint's delivery is still pending: kept, and so is the event it refers to.
            assertThat(webhooks.deliveries(tenant, down.endpoint().id()).orElseThrow()).singleElement()
                    .satisfies(d -> assertThat(d.status()).isEqualTo(Delivery.Status.PENDING));
            assertThat(events(tenant)).isEqualTo(1);
            assertThat(jdbc.sql("select subject from email_outbox where tenant_id = ? order by id").params(tenant.value())
                    .query(String.class).list()).containsExactly("unsent", "young");

            // Given up now (failing for over 24 hours), but its retries began 31 days ago: it goes, and its event.
            drain(worker, Duration.ofMillis(300), Duration.ofSeconds(3));
            assertThat(webhooks.deliveries(tenant, down.endpoint().id()).orElseThrow().getFirst().status())
                    .isEqualTo(Delivery.Status.FAILED);
            cleanup.run();
            assertThat(webhooks.deliveries(tenant, down.endpoint().id()).orElseThrow()).isEmpty();
            assertThat(events(tenant)).isZero();
        }
    }

    private long events(TenantId tenant) {
        return jdbc.sql("select count(*) from webhook_events where tenant_id = ?").params(tenant.value()).query(Long.class).single();
    }

    private long email(TenantId tenant, String subject, boolean sent, boolean failed) {
        var at = clock.instant().atOffset(java.time.ZoneOffset.UTC);
        return jdbc.sql("""
                insert into email_outbox (tenant_id, recipient, subject, body, created_at, next_at, sent_at, failed_at)
                values (?, 'x@mail.example', ?, 'b', ?, ?, ?, ?) returning id""")
                .params(tenant.value(), subject, at, at, sent ? at : null, failed ? at : null).query(Long.class).single();
    }
}

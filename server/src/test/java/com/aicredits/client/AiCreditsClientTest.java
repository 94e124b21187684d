package com.aicredits.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aicredits.TestApplication;
import com.aicredits.access.Access;
import com.aicredits.access.ApiKeyScope;
import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.EntryType;
import com.aicredits.ledger.Ledger;
import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The client library against the real server (and a proxy that loses answers), never a mock of it. */
@TestApplication
class AiCreditsClientTest {

    @LocalServerPort int port;
    @Autowired Directory directory;
    @Autowired Ledger ledger;
    @Autowired Access access;
    @Autowired com.aicredits.TestClock clock;

    TenantId tenant;
    UserId ada;
    String consumeKey;

    @BeforeEach
    void tenantWithAUserHolding100Credits() {
        tenant = directory.createTenant("Client Co " + UUID.randomUUID()).id();
        ada = directory.register(tenant, new NewUser("Ada", "ada@client.example", Role.Planner)).orElseThrow().id();
        ledger.purchase(tenant, Credits.of(1000), "PO-1", null, new Actor("test"), null);
        ledger.assign(tenant, ada, Credits.of(100), null, new Actor("test"), null);
        consumeKey = access.issue(tenant, ApiKeyScope.consume, "client-test").orElseThrow().key();
    }

    AiCreditsClient client(int serverPort) {
        return AiCreditsClient.builder(URI.create("http://localhost:" + serverPort), tenant.value(), consumeKey)
                .timeout(Duration.ofSeconds(5)).backoff(Duration.ofMillis(20)).build();
    }

    static BigDecimal credits(String amount) {
        return new BigDecimal(amount);
    }

    @Test
    void every_operation_returns_its_typed_result() {
        var client = client(port);
        assertThat(client.balance(ada.value())).isEqualTo(new Balance(credits("100"), credits("0"), credits("100"),
                credits("0"), credits("100"), true, true));

        var authorized = (Authorized) client.authorize("q-1", ada.value(), "canvas", credits("20"));
        assertThat(authorized.held()).isEqualByComparingTo("20");
        assertThat(authorized.available()).isEqualByComparingTo("80");
        assertThat(client.request("q-1").orElseThrow().status()).isEqualTo("AUTHORIZED");

        var settled = (Settled) client.settle("q-1", credits("7.5"));
        assertThat(settled.remaining()).isEqualByComparingTo("92.5");
        assertThat(settled.replayed()).isFalse();

        client.authorize("q-2", ada.value(), "canvas", null);
        assertThat(client.voidRequest("q-2")).isEqualTo(new Voided("q-2", false));
        assertThat(client.request("q-2").orElseThrow().status()).isEqualTo("VOIDED");

        var charged = (Settled) client.charge("c-1", ada.value(), "summaries", credits("2.5"));
        assertThat(charged.remaining()).isEqualByComparingTo("90");
        assertThat(client.request("nope")).isEmpty();
        assertThat(ledger.reconcile(tenant).drifts()).isEmpty();
    }

    @Test
    void refusals_are_values_with_their_reason() {
        var client = client(port);
        var stranger = directory.register(tenant, new NewUser("Bob", "bob@client.example", Role.Viewer)).orElseThrow().id();
        assertThat(((Refused) client.authorize("r-1", stranger.value(), "canvas", null)).reason()).isEqualTo(Refused.Reason.NO_ALLOCATION);

        client.charge("big", ada.value(), "canvas", credits("100"));
        var exhausted = (Refused) client.authorize("r-2", ada.value(), "canvas", null);
        assertThat(exhausted.reason()).isEqualTo(Refused.Reason.CREDITS_EXHAUSTED);
        assertThat(exhausted.available()).isEqualByComparingTo("0");
        assertThat(exhausted.message()).contains("contact your administrator");

        ledger.add(tenant, ada, Credits.of(10), null, new Actor("test"), null);
        for (int i = 0; i < 4; i++) {
            assertThat(client.authorize("h-" + i, ada.value(), "canvas", credits("1"))).isInstanceOf(Authorized.class);
        }
        assertThat(((Refused) client.authorize("h-4", ada.value(), "canvas", credits("1"))).reason())
                .isEqualTo(Refused.Reason.TOO_MANY_IN_FLIGHT);
        assertThat(((Refused) client.charge("h-0", ada.value(), "canvas", credits("1"))).reason())
                .isEqualTo(Refused.Reason.REQUEST_ID_REUSED);
        client.settle("h-0", credits("1"));
        assertThat(((Refused) client.voidRequest("h-0")).reason()).isEqualTo(Refused.Reason.ALREADY_SETTLED);
        assertThat(((Refused) client.settle("missing", credits("1"))).reason()).isEqualTo(Refused.Reason.NOT_FOUND);
    }

    @Test
    void a_settle_after_the_requests_settle_deadline_is_a_typed_refusal() {
        var client = client(port);
        client.authorize("late", ada.value(), "canvas", credits("5"));
        clock.advance(Duration.ofHours(25));
        ledger.expireHolds();

        var late = (Refused) client.settle("late", credits("5"));

        assertThat(late.reason()).isEqualTo(Refused.Reason.REQUEST_EXPIRED);
        assertThat(late.code()).isEqualTo("REQUEST_EXPIRED");
        assertThat(client.balance(ada.value()).consumed()).isEqualByComparingTo("0");
    }

    @Test
    void a_charge_whose_answer_is_lost_is_retried_with_the_same_request_id_and_charged_exactly_once() throws Exception {
        try (var proxy = new FlakyProxy(port)) {
            var client = client(proxy.port());
            proxy.loseNextAnswers(1);

            var settled = (Settled) client.charge("lost-answer", ada.value(), "canvas", credits("12"));

            assertThat(settled.replayed()).isTrue(); // the retry got the first outcome back
            assertThat(settled.remaining()).isEqualByComparingTo("88");
            assertThat(proxy.connections()).isGreaterThanOrEqualTo(2);
            assertThat(ledger.balance(tenant, ada).orElseThrow().consumed()).isEqualTo(Credits.of(12));
            assertThat(ledger.entries(tenant, ada, EntryType.CHARGE, 0, 10).total()).isEqualTo(1);
        }
    }

    @Test
    void a_batch_whose_answer_is_lost_is_sent_again_and_each_item_is_charged_exactly_once() throws Exception {
        try (var proxy = new FlakyProxy(port)) {
            var client = client(proxy.port());
            proxy.loseNextAnswers(1);
            var items = java.util.List.of(new ChargeItem("b-1", ada.value(), "canvas", credits("60")),
                    new ChargeItem("b-2", ada.value(), "canvas", credits("50")),
                    new ChargeItem("b-3", ada.value(), "canvas", credits("1")),
                    new ChargeItem("b-4", UUID.randomUUID(), "canvas", credits("1")));

            var outcomes = client.charge(items);

            assertThat(proxy.connections()).isGreaterThanOrEqualTo(2);
            assertThat(outcomes).containsExactly(new Settled("b-1", credits("60"), credits("40"), false),
                    new Settled("b-2", credits("50"), credits("-10"), false), outcomes.get(2), outcomes.get(3));
            assertThat(((Refused) outcomes.get(2)).reason()).isEqualTo(Refused.Reason.CREDITS_EXHAUSTED);
            assertThat(((Refused) outcomes.get(3)).reason()).isEqualTo(Refused.Reason.NOT_FOUND);
            assertThat(ledger.balance(tenant, ada).orElseThrow().consumed()).isEqualTo(Credits.of(110));
            assertThat(ledger.entries(tenant, ada, EntryType.CHARGE, 0, 10).total()).isEqualTo(2);
            // a malformed batch: every item answers the refusal, nothing applied
            var bad = client.charge(java.util.List.of(new ChargeItem("b-5", ada.value(), "canvas", credits("-1"))));
            assertThat(((Refused) bad.getFirst()).reason()).isEqualTo(Refused.Reason.INVALID_AMOUNT);
        }
    }

    @Test
    void an_authorize_and_a_settle_whose_answers_are_lost_hold_once_and_consume_once() throws Exception {
        try (var proxy = new FlakyProxy(port)) {
            var client = client(proxy.port());
            proxy.loseNextAnswers(2); // the first attempt and its first retry both lose their answers
            assertThat(client.authorize("lost-hold", ada.value(), "canvas", credits("30"))).isInstanceOf(Authorized.class);
            assertThat(ledger.balance(tenant, ada).orElseThrow().held()).isEqualTo(Credits.of(30));

            proxy.loseNextAnswers(1);
            assertThat(((Settled) client.settle("lost-hold", credits("17"))).cost()).isEqualByComparingTo("17");
            var balance = ledger.balance(tenant, ada).orElseThrow();
            assertThat(balance.held()).isEqualTo(Credits.ZERO);
            assertThat(balance.consumed()).isEqualTo(Credits.of(17));
            assertThat(ledger.reconcile(tenant).drifts()).isEmpty();
        }
    }

    @Test
    void when_every_attempt_loses_its_answer_the_client_resolves_the_outcome_from_the_request_state() throws Exception {
        try (var proxy = new FlakyProxy(port)) {
            var client = AiCreditsClient.builder(URI.create("http://localhost:" + proxy.port()), tenant.value(), consumeKey)
                    .maxAttempts(2).backoff(Duration.ofMillis(10)).build();
            proxy.loseNextAnswers(2); // both attempts of the charge; the state lookup gets through

            var settled = (Settled) client.charge("resolved", ada.value(), "canvas", credits("4"));

            assertThat(settled.cost()).isEqualByComparingTo("4");
            assertThat(settled.replayed()).isTrue();
            assertThat(ledger.balance(tenant, ada).orElseThrow().consumed()).isEqualTo(Credits.of(4));
        }
    }

    @Test
    void an_unreachable_service_is_an_exception_that_says_so_and_nothing_is_charged() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var client = AiCreditsClient.builder(URI.create("http://localhost:" + closedPort), tenant.value(), consumeKey)
                .maxAttempts(3).backoff(Duration.ofMillis(5)).timeout(Duration.ofSeconds(1)).build();

        assertThatThrownBy(() -> client.charge("never", ada.value(), "canvas", credits("1")))
                .isInstanceOf(CreditsServiceException.class).hasMessageContaining("unknown");
        assertThat(ledger.balance(tenant, ada).orElseThrow().consumed()).isEqualTo(Credits.ZERO);
    }

    /** The service answers another tenant's paths as if they did not exist: the client cannot tell more. */
    @Test
    void a_wrong_tenant_id_reads_as_an_unknown_user() {
        var client = AiCreditsClient.builder(URI.create("http://localhost:" + port), UUID.randomUUID(), consumeKey).build();

        assertThat(client.authorize("t-" + UUID.randomUUID(), ada.value(), "canvas", null))
                .isInstanceOfSatisfying(Refused.class, refused -> assertThat(refused.reason()).isEqualTo(Refused.Reason.NOT_FOUND));
        assertThat(client.request("t-unknown")).isEmpty();
        assertThatThrownBy(() -> client.balance(ada.value())).isInstanceOf(CreditsServiceException.class)
                .satisfies(e -> assertThat(((CreditsServiceException) e).status()).isEqualTo(404));
        assertThat(ledger.balance(tenant, ada).orElseThrow().held()).isEqualTo(Credits.ZERO);
    }

    @Test
    void a_wrong_key_is_a_configuration_error_not_a_refusal() {
        var client = AiCreditsClient.builder(URI.create("http://localhost:" + port), tenant.value(), "aic_wrong").build();
        assertThatThrownBy(() -> client.authorize("k", ada.value(), "canvas", null))
                .isInstanceOf(CreditsServiceException.class)
                .satisfies(e -> assertThat(((CreditsServiceException) e).status()).isEqualTo(401));
    }
}

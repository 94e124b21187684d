package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.TestClock;
import com.aicredits.directory.Directory;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoublePredicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The operators' metrics, read the way Prometheus reads them (GET /actuator/prometheus). This class has a
 * context and a database of its own (and closes them afterwards), so every figure is exact: nothing but
 * these tests ever consumed credits there. Reconciliation runs on its schedule, every 200 ms, and the open
 * holds are recounted every 100 ms.
 */
@TestApplication
@TestPropertySource(properties = {
        "aicredits.ledger.reconciliation.enabled=true",
        "aicredits.ledger.reconciliation.initial-delay=0s",
        "aicredits.ledger.reconciliation.interval=200ms",
        "aicredits.ledger.metrics.open-holds-refresh=100ms"})
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class LedgerMetricsTest {

    @LocalServerPort int port;
    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired TestClock clock;
    @Autowired JdbcClient jdbc;

    @Test
    void consumption_refusals_holds_and_expiries_are_counted_once_each_and_replays_not_at_all() {
        var t = new LedgerFixture(ledger, directory).purchased("1000");
        var ada = t.user("Ada Metered");
        var cara = t.user("Cara Unfunded");
        var dan = t.user("Dan Spent");
        t.assigned(ada, "100");
        t.assigned(dan, "1");

        // A charge of 10, and its replay.
        var charge = new RequestId("charge-1");
        assertThat(ledger.charge(t.tenant, charge, ada, "canvas", credits("10"), FEATURE)).isInstanceOf(Outcome.Done.class);
        assertThat(ledger.charge(t.tenant, charge, ada, "canvas", credits("10"), FEATURE).orElseThrow().replayed()).isTrue();
        // Authorize → settle 7.5, each replayed.
        assertThat(t.authorize("pair-1", ada, "5")).isInstanceOf(Outcome.Done.class);
        assertThat(t.authorize("pair-1", ada, "5").orElseThrow().replayed()).isTrue();
        var settle = new RequestId("pair-1");
        assertThat(ledger.settle(t.tenant, settle, credits("7.5"), FEATURE).orElseThrow().replayed()).isFalse();
        assertThat(ledger.settle(t.tenant, settle, credits("7.5"), FEATURE).orElseThrow().replayed()).isTrue();
        // Authorize → void, the void replayed.
        assertThat(t.authorize("void-1", ada, null)).isInstanceOf(Outcome.Done.class);
        assertThat(ledger.voidRequest(t.tenant, new RequestId("void-1"), FEATURE).orElseThrow().replayed()).isFalse();
        assertThat(ledger.voidRequest(t.tenant, new RequestId("void-1"), FEATURE).orElseThrow().replayed()).isTrue();

        // Each reason an AI request is refused for.
        assertThat(((Refused) t.authorize("cara-1", cara, null)).reason()).isEqualTo(Refusal.NO_ALLOCATION);
        t.charged(dan, "1");
        assertThat(((Refused) t.authorize("dan-1", dan, null)).reason()).isEqualTo(Refusal.CREDITS_EXHAUSTED);
        assertThat(((Refused) ledger.charge(t.tenant, new RequestId("dan-2"), dan, "canvas", credits("1"), FEATURE))
                .reason()).isEqualTo(Refusal.CREDITS_EXHAUSTED);
        // Four holds (the tenant's limit), two of them ten minutes older; a fifth is refused.
        assertThat(t.authorize("hold-1", ada, "1")).isInstanceOf(Outcome.Done.class);
        assertThat(t.authorize("hold-2", ada, "1")).isInstanceOf(Outcome.Done.class);
        clock.advance(Duration.ofMinutes(10));
        assertThat(t.authorize("hold-3", ada, "1")).isInstanceOf(Outcome.Done.class);
        assertThat(t.authorize("hold-4", ada, "1")).isInstanceOf(Outcome.Done.class);
        assertThat(((Refused) t.authorize("hold-5", ada, "1")).reason()).isEqualTo(Refusal.TOO_MANY_IN_FLIGHT);
        awaitMetric("aicredits_holds_open", Map.of(), v -> v == 4);

        // Six minutes later the two older holds have outlived their 15 minutes; one is settled late, once.
        clock.advance(Duration.ofMinutes(6));
        assertThat(ledger.expireHolds()).isEqualTo(2);
        assertThat(ledger.expireHolds()).isZero();
        assertThat(ledger.settle(t.tenant, new RequestId("hold-1"), credits("1"), FEATURE).orElseThrow().replayed()).isFalse();
        assertThat(ledger.settle(t.tenant, new RequestId("hold-1"), credits("1"), FEATURE).orElseThrow().replayed()).isTrue();
        t.assertReconciles();

        awaitMetric("aicredits_holds_open", Map.of(), v -> v == 2);
        var metrics = scrape();
        assertThat(metrics.value("aicredits_consumption_requests_total", Map.of("outcome", "authorized"))).isEqualTo(6);
        assertThat(metrics.value("aicredits_consumption_requests_total", Map.of("outcome", "charged"))).isEqualTo(2);
        assertThat(metrics.value("aicredits_consumption_requests_total", Map.of("outcome", "settled"))).isEqualTo(2);
        assertThat(metrics.value("aicredits_consumption_requests_total", Map.of("outcome", "voided"))).isEqualTo(1);
        assertThat(metrics.value("aicredits_consumption_requests_total", Map.of("outcome", "refused"))).isEqualTo(4);
        assertThat(metrics.value("aicredits_consumption_credits_total", Map.of("outcome", "charged"))).isEqualTo(11);
        assertThat(metrics.value("aicredits_consumption_credits_total", Map.of("outcome", "settled"))).isEqualTo(8.5);
        assertThat(metrics.series("aicredits_consumption_refusals_total")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "{operation=authorize, reason=NO_ALLOCATION}", 1.0,
                "{operation=authorize, reason=CREDITS_EXHAUSTED}", 1.0,
                "{operation=authorize, reason=TOO_MANY_IN_FLIGHT}", 1.0,
                "{operation=charge, reason=NO_ALLOCATION}", 0.0,
                "{operation=charge, reason=CREDITS_EXHAUSTED}", 1.0,
                "{operation=charge, reason=TOO_MANY_IN_FLIGHT}", 0.0));
        assertThat(metrics.value("aicredits_holds_expired_total", Map.of())).isEqualTo(2);
        assertThat(metrics.value("aicredits_holds_open", Map.of())).isEqualTo(2);
        assertThat(metrics.value("aicredits_reconciliation_drifts", Map.of())).isZero();
        assertThat(metrics.value("aicredits_reconciliation_seconds_count", Map.of())).isPositive();
    }

    @Test
    void the_scheduled_reconciliation_logs_each_drift_as_an_error_and_the_gauge_shows_how_many(CapturedOutput output) {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var eve = t.user("Eve Drifting");
        t.assigned(eve, "10");
        // The usage folder keeps the tenant's runways (KeptRunways), here now rather than whenever its job runs: a fold
        // during the hand edit below would keep the edited balance, a drift of the kept runway that outlives the edit.
        t.foldEverything(jdbc);
        awaitMetric("aicredits_reconciliation_drifts", Map.of(), v -> v == 0);

        // What only a bug (or a hand in the database) could do: a balance that no entry explains. The kept runway,
        // made from the balance before the edit, no longer matches the balance either: two drifts.
        jdbc.sql("update accounts set consumed = consumed + 1 where tenant_id = ? and user_id = ?")
                .params(t.tenant.value(), eve.value()).update();
        try {
            awaitMetric("aicredits_reconciliation_drifts", Map.of(), v -> v == 2);
            var drifted = "ERROR .*ledger drift: %s " + t.tenant.value() + "/" + eve.value() + ": ";
            assertThat(output.getOut())
                    .containsPattern(drifted.formatted("account") + "stored assigned=10000 consumed=1 ")
                    .containsPattern(drifted.formatted("runway") + "kept active=t available=10000 .* recomputed active=t available=9999 ");
        } finally {
            jdbc.sql("update accounts set consumed = consumed - 1 where tenant_id = ? and user_id = ?")
                    .params(t.tenant.value(), eve.value()).update();
        }
        awaitMetric("aicredits_reconciliation_drifts", Map.of(), v -> v == 0);
    }

    // ------------------------------------------------------------------ reading the Prometheus text format

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** Every sample of one scrape: metric name → its label sets (sorted, as text) → value. */
    private record Scrape(Map<String, Map<String, Double>> samples) {

        Map<String, Double> series(String name) {
            return samples.getOrDefault(name, Map.of());
        }

        double value(String name, Map<String, String> labels) {
            Double value = series(name).get(new TreeMap<>(labels).toString());
            assertThat(value).as(name + labels + " in " + series(name)).isNotNull();
            return value;
        }
    }

    /** Anonymous, as Prometheus scrapes; in the classic text format (what Prometheus asks for with text/plain). */
    private Scrape scrape() {
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/actuator/prometheus")).header("Accept", "text/plain").build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var samples = new HashMap<String, Map<String, Double>>();
        response.body().lines().filter(line -> !line.startsWith("#") && !line.isBlank()).forEach(line -> {
            var sample = SAMPLE.matcher(line);
            assertThat(sample.matches()).as("a Prometheus sample: " + line).isTrue();
            var labels = new TreeMap<String, String>();
            if (sample.group(2) != null) {
                var label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.computeIfAbsent(sample.group(1), n -> new HashMap<>())
                    .put(labels.toString(), switch (sample.group(3)) {
                        case "+Inf" -> Double.POSITIVE_INFINITY;
                        case "-Inf" -> Double.NEGATIVE_INFINITY;
                        default -> Double.parseDouble(sample.group(3));
                    });
        });
        return new Scrape(samples);
    }

    /** Gauges refreshed in the background reach the expected value within a few refreshes. */
    private void awaitMetric(String name, Map<String, String> labels, DoublePredicate expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        double last;
        do {
            last = scrape().value(name, labels);
            if (expected.test(last)) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError(name + labels + " stayed at " + last);
    }
}

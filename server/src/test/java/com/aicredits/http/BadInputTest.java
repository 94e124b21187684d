package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.aicredits.ApiClient.Response;
import com.aicredits.ledger.Ledger;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Bad input on every endpoint of API.md (the rows of {@code authorization-matrix.csv}), one area of the API per
 * subclass: missing fields, wrong JSON types, bad amounts, malformed bodies, unknown fields, oversized notes and
 * bodies, malformed and unknown ids, paging and filter values out of range, bad or missing Idempotency-Keys, and the
 * business refusals an admin or AI feature can provoke. Every case must be answered with a 4xx problem
 * ({@code application/problem+json}) carrying the specific {@code code}, and must leave both tenants exactly as they
 * were, with balances that reconcile with the ledger entries. Subclasses carry {@code @TestApplication} and a
 * per-class lifecycle; {@link BadInputCoverageTest} checks that every endpoint has cases in one of them.
 */
abstract class BadInputTest extends BadInputCases {

    @LocalServerPort int port;
    @Autowired Ledger ledger;

    /** The cases of this class's area. */
    private final Function<BadInputWorld, List<Case>> area;

    private BadInputWorld world;

    BadInputTest(Function<BadInputWorld, List<Case>> area) {
        this.area = area;
    }

    /** One pair of tenants for the class: the cases change nothing, so they can share it. */
    private BadInputWorld world() {
        if (world == null) {
            world = new BadInputWorld(port);
        }
        return world;
    }

    @TestFactory
    Stream<DynamicTest> every_bad_request_is_refused_with_a_specific_problem_and_changes_nothing() {
        var w = world();
        var cases = area.apply(w);
        assertThat(cases.stream().map(Case::name).distinct().count()).as("case names are unique").isEqualTo(cases.size());
        // The other tenant and the tenant list are checked around each case that could reach them, and once
        // over all cases; the tenant under test around every case.
        var otherAtStart = TenantState.of(w.other);
        int tenantsAtStart = tenantCount(w);
        var afterAll = dynamicTest("after all cases: the other tenant and the list of tenants are unchanged", () -> {
            TenantState.of(w.other).assertUnchangedSince(otherAtStart, ledger, w.other.tenant, "all cases");
            assertThat(tenantCount(w)).isEqualTo(tenantsAtStart);
        });
        return Stream.concat(cases.stream().map(k -> dynamicTest(k.name(), () -> check(w, k))), Stream.of(afterAll));
    }

    private int tenantCount(BadInputWorld w) {
        return w.t.platform.get("/api/v1/tenants").json().size();
    }

    /** Whether a case names the other tenant or something of it, or could create a tenant. */
    private static boolean reachesBeyond(BadInputWorld w, Case k) {
        String text = k.path() + " " + (k.body() instanceof Raw raw ? raw.text() : String.valueOf(k.body()));
        return k.path().equals("/api/v1/tenants") || Stream.of(w.other.tenant, w.eve, w.otherKeyId).anyMatch(text::contains);
    }

    private void check(BadInputWorld w, Case k) {
        boolean beyond = reachesBeyond(w, k);
        var before = TenantState.of(w.t);
        var otherBefore = beyond ? TenantState.of(w.other) : null;
        int tenantsBefore = beyond ? tenantCount(w) : 0;

        Response response = send(w, k);

        String why = k.name() + " → " + response.status() + " " + abbreviate(response.text());
        assertThat(response.status()).as(why).isEqualTo(k.status());
        assertThat(response.header("Content-Type")).as(why).startsWith("application/problem+json");
        assertThat(response.declaresUtf8()).as(why + " " + response.header("Content-Type")).isTrue();
        assertThat(response.code()).as(why).isEqualTo(k.code());
        if (k.words() != null) {
            assertThat(response.json().path("detail").asString()).as(why).contains(k.words());
        }
        if (k.field() != null) {
            // "ids@1": the list's field with the element's index beside it (ApiErrors names an element so).
            String[] fieldAt = k.field().split("@");
            var fields = new TreeSet<String>();
            response.json().path("fields").forEach(f -> fields.add(f.asString()));
            assertThat(fields).as("fields named by " + why).contains(fieldAt[0]);
            if (fieldAt.length == 2) {
                assertThat(response.json().path("index").isInt()).as("index given by " + why).isTrue();
                assertThat(response.json().path("index").asInt()).as("index given by " + why)
                        .isEqualTo(Integer.parseInt(fieldAt[1]));
            }
        }
        // The refusals that say how much the caller could have asked for.
        switch (k.code()) {
            case "INSUFFICIENT_UNASSIGNED" -> assertThat(response.json().path("unassigned").decimalValue()).as(why)
                    .isEqualByComparingTo(w.t.platform.get(w.t.base + "/credits/summary").json().get("creditsUnassigned").decimalValue());
            case "EXCEEDS_REMOVABLE" -> assertThat(response.json().path("removable").decimalValue()).as(why)
                    .isEqualByComparingTo("10");
            // The API reads JSON (and a bulk change also CSV): the refusal says what to send, and offers nothing else.
            case "UNSUPPORTED_MEDIA_TYPE" -> assertThat(response.json().path("detail").asString()).as(why)
                    .contains(k.path().contains("/bulk.csv") ? "text/csv" : "application/json").doesNotContainIgnoringCase("yaml");
            // RFC 9110 §15.5.6: a 405 names the methods the path does take.
            case "METHOD_NOT_ALLOWED" -> assertThat(List.of(response.header("Allow").split("\\s*,\\s*")))
                    .as(why + " Allow: " + response.header("Allow")).doesNotContain(k.method(), "");
            default -> { }
        }
        TenantState.of(w.t).assertUnchangedSince(before, ledger, w.t.tenant, k.name());
        if (beyond) {
            TenantState.of(w.other).assertUnchangedSince(otherBefore, ledger, w.other.tenant, k.name());
            assertThat(tenantCount(w)).as("tenants after " + k.name()).isEqualTo(tenantsBefore);
        }
    }

    private Response send(BadInputWorld w, Case k) {
        if (!(k.body() instanceof Raw raw)) {
            return w.client(k.caller()).send(k.method(), k.path(), k.body(), k.headers());
        }
        // ApiClient always sends application/json with a length; these cases need another type, or chunks.
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + k.path())).timeout(Duration.ofSeconds(30))
                .header("Content-Type", raw.contentType())
                .header("Accept", "application/json, application/problem+json")
                .header("Authorization", "Bearer " + bearerOf(w, k.caller()));
        k.headers().forEach(request::header);
        byte[] bytes = raw.text().getBytes(StandardCharsets.UTF_8);
        request.method(k.method(), raw.chunked()
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
                : HttpRequest.BodyPublishers.ofByteArray(bytes));
        try {
            var response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String bearerOf(BadInputWorld w, String caller) {
        return switch (caller) {
            case PLATFORM -> HttpFixture.PLATFORM_KEY;
            case ADMIN -> w.t.adminKeyText;
            case CONSUME -> w.t.consumeKeyText;
            default -> throw new IllegalArgumentException(caller);
        };
    }
}

package com.aicredits.client;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The AI feature's side of AI Credits: ask whether a user may start a request, settle its real cost, void
 * it, or charge in one call. Thread-safe; create one per service and reuse it.
 *
 * <p>Safe retries: every consumption call is idempotent on its {@code requestId}, so on a timeout, a
 * dropped connection or a 5xx the client sends the same call again with the same id (bounded, with
 * exponential backoff and jitter). If every attempt fails, it asks the service where the request stands
 * and answers from that; only when that is unreachable too does it throw, saying the outcome is unknown.
 * It never causes a double charge.
 *
 * <pre>{@code
 * var credits = AiCreditsClient.builder(URI.create("https://credits.example"), tenantId, consumeKey).build();
 * String requestId = UUID.randomUUID().toString();
 * switch (credits.authorize(requestId, userId, "canvas", new BigDecimal("5"))) {
 *     case Authorized a -> { var answer = model.ask(question); credits.settle(requestId, costOf(answer)); }
 *     case Refused r -> showMessage(r.message());
 * }
 * }</pre>
 */
public final class AiCreditsClient {

    private final Transport transport;

    private AiCreditsClient(Builder builder) {
        var base = URI.create(builder.baseUri.toString().replaceAll("/+$", "") + "/api/v1/tenants/" + builder.tenantId + "/");
        var http = builder.http != null ? builder.http
                : HttpClient.newBuilder().connectTimeout(builder.timeout).version(HttpClient.Version.HTTP_1_1).build();
        this.transport = new Transport(base, builder.apiKey, http, builder.timeout, builder.maxAttempts, builder.backoff);
    }

    /** {@code apiKey}: a key with scope {@code consume} of the tenant. */
    public static Builder builder(URI baseUri, UUID tenantId, String apiKey) {
        return new Builder(baseUri, tenantId, apiKey);
    }

    public static final class Builder {
        private final URI baseUri;
        private final UUID tenantId;
        private final String apiKey;
        private Duration timeout = Duration.ofSeconds(5);
        private int maxAttempts = 4;
        private Duration backoff = Duration.ofMillis(100);
        private HttpClient http;

        private Builder(URI baseUri, UUID tenantId, String apiKey) {
            this.baseUri = Objects.requireNonNull(baseUri, "baseUri");
            this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        }

        /** How long one attempt may take, connecting included (default 5 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Attempts per call, the first included (default 4). */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("at least one attempt");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The wait before the first retry, doubled for each further one, with jitter (default 100 ms). */
        public Builder backoff(Duration backoff) {
            this.backoff = backoff;
            return this;
        }

        public Builder httpClient(HttpClient http) {
            this.http = http;
            return this;
        }

        public AiCreditsClient build() {
            return new AiCreditsClient(this);
        }
    }

    // ------------------------------------------------------------------ operations

    public Balance balance(UUID userId) {
        var response = transport.call("GET", "users/" + userId + "/balance", null);
        if (response.status() != 200) {
            throw unexpected("balance", response);
        }
        JsonNode b = response.json();
        return new Balance(b.get("assigned").decimalValue(), b.get("consumed").decimalValue(),
                b.get("remaining").decimalValue(), b.get("held").decimalValue(), b.get("available").decimalValue(),
                b.get("active").asBoolean(), b.get("canStart").asBoolean());
    }

    /** Asks to start a request, holding {@code estimate} credits (or the feature's default when null). */
    public AuthorizeOutcome authorize(String requestId, UUID userId, String feature, BigDecimal estimate) {
        var body = new LinkedHashMap<String, Object>();
        body.put("requestId", requestId);
        body.put("userId", userId);
        body.put("feature", feature);
        if (estimate != null) {
            body.put("estimate", estimate);
        }
        return consumption(requestId, "consumption/authorize", body, response -> {
            JsonNode a = response.json();
            return new Authorized(a.get("requestId").asString(), a.get("held").decimalValue(),
                    a.get("available").decimalValue(), Instant.parse(a.get("expiresAt").asString()), response.replayed());
        }, state -> authorizedFromState(requestId, userId, feature, state));
    }

    /** Records the request's whole actual cost; never refused for lack of credits. */
    public SettleOutcome settle(String requestId, BigDecimal cost) {
        return consumption(requestId, "consumption/" + encode(requestId) + "/settle", Map.of("cost", cost),
                AiCreditsClient::settled, state -> settledFromState(requestId, state));
    }

    /** Releases the request's hold; nothing is consumed. */
    public VoidOutcome voidRequest(String requestId) {
        return consumption(requestId, "consumption/" + encode(requestId) + "/void", null,
                response -> new Voided(requestId, response.replayed()), state -> voidedFromState(requestId, state));
    }

    /** Authorize and settle in one call, for features that know the cost up front. */
    public SettleOutcome charge(String requestId, UUID userId, String feature, BigDecimal cost) {
        return consumption(requestId, "consumption/charge",
                Map.of("requestId", requestId, "userId", userId, "feature", feature, "cost", cost),
                AiCreditsClient::settled, state -> settledFromState(requestId, state));
    }

    /**
     * Up to 1,000 charges in one call, each applied or refused on its own as {@link #charge} would, answered in the
     * order given. Retried as a whole on a timeout or 5xx (each item is idempotent on its requestId); if every
     * attempt fails it throws, and sending the same items again is safe.
     */
    public List<SettleOutcome> charge(List<ChargeItem> items) {
        var response = transport.call("POST", "consumption/charges", Map.of("items", items));
        if (response.status() == 200) {
            return ChargeResults.of(response.json().get("results"));
        }
        if (response.status() / 100 != 4 || response.status() == 401 || response.status() == 403) {
            throw unexpected("charges", response);
        }
        return ChargeResults.allRefused(refusal(response), items.size());
    }

    /** Where a request stands, to resolve an outcome that is unknown after a timeout. */
    public Optional<RequestState> request(String requestId) {
        var response = transport.call("GET", "consumption/" + encode(requestId), null);
        if (response.status() == 404) {
            return Optional.empty();
        }
        if (response.status() != 200) {
            throw unexpected("request state", response);
        }
        JsonNode r = response.json();
        return Optional.of(new RequestState(r.get("requestId").asString(), UUID.fromString(r.get("userId").asString()),
                r.get("feature").asString(), r.get("status").asString(), decimal(r, "held"), decimal(r, "cost"),
                instant(r, "createdAt"), instant(r, "expiresAt"), instant(r, "finishedAt")));
    }

    // ------------------------------------------------------------------ retries and mapping

    private <T> T consumption(String requestId, String path, Object body,
            java.util.function.Function<Transport.Response, T> success,
            java.util.function.Function<RequestState, T> fromState) {
        Transport.Response response;
        try {
            response = transport.call("POST", path, body);
        } catch (CreditsServiceException unreachable) {
            // Every attempt failed: ask where the request stands before giving up.
            Optional<RequestState> state;
            try {
                state = request(requestId);
            } catch (CreditsServiceException stillUnreachable) {
                throw new CreditsServiceException("the outcome of request " + requestId + " is unknown: the credits "
                        + "service could not be reached; retry later with the same requestId", unreachable.status(), unreachable);
            }
            if (state.isEmpty()) {
                throw new CreditsServiceException("request " + requestId + " was not applied: the credits service "
                        + "could not be reached", unreachable.status(), unreachable);
            }
            return fromState.apply(state.get());
        }
        if (response.status() / 100 == 2) {
            return success.apply(response);
        }
        if (response.status() == 401 || response.status() == 403) {
            throw unexpected("consumption", response);
        }
        @SuppressWarnings("unchecked")
        T refused = (T) refusal(response);
        return refused;
    }

    private static Refused refusal(Transport.Response response) {
        JsonNode problem = response.json();
        String code = problem.path("code").asString("HTTP_" + response.status());
        return new Refused(Refused.Reason.of(code), code, problem.path("detail").asString(""),
                problem.has("available") ? problem.get("available").decimalValue() : null);
    }

    private static Settled settled(Transport.Response response) {
        JsonNode s = response.json();
        return new Settled(s.get("requestId").asString(), s.get("cost").decimalValue(), s.get("remaining").decimalValue(),
                response.replayed());
    }

    /**
     * The authorization was recorded (the request exists for this user and feature, with a time-to-live: not a
     * charge), so the first outcome was "authorized", whatever happened to the hold since (it may have expired
     * meanwhile). Anything else is another request under this id.
     */
    private static AuthorizeOutcome authorizedFromState(String requestId, UUID userId, String feature, RequestState state) {
        if (state.userId().equals(userId) && state.feature().equals(feature) && state.expiresAt() != null) {
            return new Authorized(requestId, state.held(), null, state.expiresAt(), true);
        }
        return new Refused(Refused.Reason.REQUEST_ID_REUSED, "REQUEST_ID_REUSED",
                "request " + requestId + " was already used for another request", null);
    }

    /** Still authorized or expired means the void was not applied: that is not a refusal, the caller retries. */
    private static VoidOutcome voidedFromState(String requestId, RequestState state) {
        return switch (state.status()) {
            case "VOIDED" -> new Voided(requestId, true);
            case "SETTLED" -> new Refused(Refused.Reason.ALREADY_SETTLED, "ALREADY_SETTLED",
                    "request " + requestId + " was settled", null);
            default -> throw new CreditsServiceException("request " + requestId + " is " + state.status()
                    + " but the void could not be confirmed; retry with the same requestId", 0, null);
        };
    }

    private static SettleOutcome settledFromState(String requestId, RequestState state) {
        return switch (state.status()) {
            case "SETTLED" -> new Settled(requestId, state.cost(), null, true);
            case "VOIDED" -> new Refused(Refused.Reason.ALREADY_VOIDED, "ALREADY_VOIDED", "request " + requestId + " was voided", null);
            default -> throw new CreditsServiceException("request " + requestId + " is " + state.status()
                    + " but the settle could not be confirmed; retry with the same requestId", 0, null);
        };
    }

    private static CreditsServiceException unexpected(String what, Transport.Response response) {
        String detail = response.body() == null || response.body().isBlank() ? "" : ": " + response.body();
        return new CreditsServiceException(what + " answered " + response.status() + detail, response.status(), null);
    }

    private static String encode(String requestId) {
        return URLEncoder.encode(requestId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static BigDecimal decimal(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).decimalValue() : null;
    }

    private static Instant instant(JsonNode node, String field) {
        return node.hasNonNull(field) ? Instant.parse(node.get(field).asString()) : null;
    }
}

package com.aicredits.reliability;

import com.aicredits.client.AiCreditsClient;
import com.aicredits.client.Authorized;
import com.aicredits.client.CreditsServiceException;
import com.aicredits.client.Refused;
import com.aicredits.client.Settled;
import com.aicredits.client.Voided;
import com.aicredits.reliability.Operation.Kind;
import com.aicredits.reliability.Operation.Outcome;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Sends an operation once, the way a real caller would: admin operations over HTTP with their Idempotency-Key,
 * consumption through the client library (with its own bounded retries), and some charges by hand so their raw
 * answers are seen too. An answer that is not definitive (the service or its database is down, the key is
 * still claimed by an attempt that died) is empty: the caller tries the same operation again.
 */
final class Operations {

    static final String FEATURE = "faults";
    /** What the service holds for an authorize without an estimate (aicredits.ledger.default-estimate). */
    static final long DEFAULT_ESTIMATE = 1_000;

    private final Api api;
    private final AiCreditsClient client;
    private final Tenant tenant;

    Operations(URI service, Api api, Tenant tenant) {
        this.api = api;
        this.tenant = tenant;
        // Short backoff: the client's own retries cover a blip; the workload's loop covers a whole outage.
        this.client = AiCreditsClient.builder(service, tenant.id(), tenant.consumeKey())
                .timeout(Api.REQUEST_TIMEOUT).backoff(Duration.ofMillis(50)).build();
    }

    /** {@code byHand}: send a charge over raw HTTP instead of through the client library. */
    Optional<Outcome> attempt(Operation op, boolean byHand) {
        try {
            return op.kind().isAdmin() ? allocate(op)
                    : op.kind() == Kind.CHARGE && byHand ? chargeByHand(op)
                    : Optional.of(consume(op));
        } catch (IOException noAnswer) {
            return Optional.empty();
        } catch (CreditsServiceException e) {
            if (e.status() == 401 || e.status() == 403) {
                throw new AssertionError("the service refused the consume key: " + e.getMessage(), e);
            }
            return Optional.empty(); // the client gave up for now: unreachable, or the outcome is still unknown
        }
    }

    /**
     * Sends charges as one batch ({@code POST /consumption/charges}) through the client library: their answers in
     * order, or empty when none is definitive yet (the whole batch is then sent again, each item idempotent).
     */
    Optional<java.util.List<Outcome>> attemptBatch(java.util.List<Operation> charges) {
        try {
            var outcomes = client.charge(charges.stream().map(op -> new com.aicredits.client.ChargeItem(op.id(), op.user(),
                    FEATURE, Amounts.credits(op.amount()))).toList());
            return Optional.of(java.util.stream.IntStream.range(0, charges.size())
                    .mapToObj(i -> settled(charges.get(i), outcomes.get(i))).toList());
        } catch (CreditsServiceException e) {
            if (e.status() == 401 || e.status() == 403) {
                throw new AssertionError("the service refused the consume key: " + e.getMessage(), e);
            }
            return Optional.empty();
        }
    }

    private Optional<Outcome> allocate(Operation op) throws IOException {
        var answer = api.allocate(tenant.adminKey(), tenant.id(), op.user(), op.kind().action(),
                Amounts.credits(op.amount()), op.id());
        if (answer.status() == 200) {
            return Optional.of(new Outcome(true, null, answer.thousandths("remaining"), answer.thousandths("held"),
                    null, null, answer.replayed()));
        }
        return refusalOrNothing(answer);
    }

    private Optional<Outcome> chargeByHand(Operation op) throws IOException {
        var answer = api.charge(tenant.consumeKey(), tenant.id(), op.id(), op.user(), FEATURE, Amounts.credits(op.amount()));
        if (answer.status() == 201) {
            return Optional.of(new Outcome(true, null, answer.thousandths("remaining"), null, null,
                    answer.thousandths("cost"), answer.replayed()));
        }
        return refusalOrNothing(answer);
    }

    /** 5xx and "the first attempt still holds this key" are not answers; every other status is one. */
    private static Optional<Outcome> refusalOrNothing(Api.Answer answer) {
        if (answer.status() >= 500 || "IDEMPOTENCY_KEY_IN_USE".equals(answer.code())) {
            return Optional.empty();
        }
        if (answer.status() == 401 || answer.status() == 403) {
            throw new AssertionError("the service refused the key: " + answer.status() + " " + answer.body());
        }
        return Optional.of(Outcome.refused(answer.code() != null ? answer.code() : "HTTP_" + answer.status(),
                answer.replayed()));
    }

    private Outcome consume(Operation op) {
        BigDecimal amount = Amounts.credits(op.amount());
        return switch (op.kind()) {
            case AUTHORIZE -> switch (client.authorize(op.id(), op.user(), FEATURE, op.amount() == 0 ? null : amount)) {
                case Authorized a -> new Outcome(true, null, null, thousandths(a.held()), thousandths(a.available()), null,
                        a.replayed());
                case Refused r -> refused(op, r);
            };
            case SETTLE -> settled(op, client.settle(op.id(), amount));
            case CHARGE -> settled(op, client.charge(op.id(), op.user(), FEATURE, amount));
            case VOID -> switch (client.voidRequest(op.id())) {
                case Voided v -> new Outcome(true, null, null, null, null, null, v.replayed());
                case Refused r -> refused(op, r);
            };
            default -> throw new IllegalArgumentException(op.kind() + " is not a consumption call");
        };
    }

    private static Outcome settled(Operation op, com.aicredits.client.SettleOutcome outcome) {
        return switch (outcome) {
            case Settled s -> new Outcome(true, null, thousandths(s.remaining()), null, null, thousandths(s.cost()),
                    s.replayed());
            case Refused r -> refused(op, r);
        };
    }

    /**
     * The workload never sends a malformed call, so a VALIDATION_FAILED is the service's misreading: its detail is
     * printed, which the journal's code alone does not keep. (Seen once at a graceful shutdown: Tomcat's own 400 for
     * a request it read as the connector paused, now a 503; ConnectorPauseTest.)
     */
    private static Outcome refused(Operation op, Refused refused) {
        if (refused.reason() == Refused.Reason.VALIDATION_FAILED) {
            System.out.printf("[operations] %s refused with VALIDATION_FAILED: %s%n", op, refused.message());
        }
        return Outcome.refused(refused.code(), false);
    }

    private static Long thousandths(BigDecimal credits) {
        return credits == null ? null : Amounts.thousandths(credits);
    }
}

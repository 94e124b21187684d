package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.aicredits.TestClock;
import com.aicredits.requests.CreditRequests;
import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.directory.User;
import com.aicredits.ledger.ModelChoices.Amount;
import com.aicredits.ledger.ModelChoices.Target;
import com.aicredits.ledger.ModelState.Rejection;
import com.aicredits.ledger.RequestState.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One sequence against the real ledger: a fresh tenant and its users, the model beside it, the calls made
 * so far (for retries) and the transcript of every call and answer, which a failure prints.
 *
 * <p>The calls themselves are made by the run's parts, by capability, each keeping the calls it made:
 * {@link ModelAllocationCalls} (purchases, allocations, credit requests, bulk changes and the directory),
 * {@link ModelAllowanceCalls} (allowances and the period job) and {@link ModelConsumptionCalls} (authorize,
 * charge and their retries). The run resolves the steps' symbolic choices and compares every answer.
 */
final class ModelRun {

    static final Actor ADMIN = new Actor("admin:model");
    static final Actor FEATURE = new Actor("key:model");

    final Ledger ledger;
    final Directory directory;
    final CreditRequests requests;
    final DeactivationReclaim reclaim;
    final HoldGatherer holds;
    final JdbcClient jdbc;
    final TestClock clock;
    final TenantId tenant;
    final LedgerModel model = new LedgerModel();
    final ModelCoverage coverage;
    final Map<String, UserId> users = new LinkedHashMap<>();
    final Map<UserId, String> names = new HashMap<>();
    final List<UserId> registered = new ArrayList<>();
    final ModelAllocationCalls allocations = new ModelAllocationCalls(this);
    final ModelAllowanceCalls allowances = new ModelAllowanceCalls(this);
    final ModelConsumptionCalls consumption = new ModelConsumptionCalls(this);
    private final StringBuilder transcript = new StringBuilder();
    int steps;
    private int freshRequests;
    private int unknownRequests;

    ModelRun(ConfigurableApplicationContext application, int userCount, ModelCoverage coverage) {
        this.ledger = application.getBean(Ledger.class);
        this.jdbc = application.getBean(JdbcClient.class);
        this.clock = application.getBean(TestClock.class);
        this.coverage = coverage;
        this.directory = application.getBean(Directory.class);
        this.requests = application.getBean(CreditRequests.class);
        this.reclaim = application.getBean(DeactivationReclaim.class);
        this.holds = application.getBean(HoldGatherer.class);
        // The expiry sweep is global: release whatever holds earlier sequences left open, so that this
        // sequence's sweeps count only its own.
        clock.advance(Duration.ofDays(1));
        ledger.expireHolds();
        this.tenant = directory.createTenant("t-" + UUID.randomUUID()).id();
        for (int i = 0; i < userCount; i++) {
            var done = directory.register(tenant, new NewUser("User " + i, "u" + i + "@model.example", Role.Planner));
            User user = done.orElseThrow();
            model.register(user);
            users.put("u" + i, user.id());
            names.put(user.id(), "u" + i);
            registered.add(user.id());
        }
        UserId stranger = UserId.random();
        users.put("stranger", stranger);
        names.put(stranger, "stranger");
    }

    String transcript() {
        return "tenant " + tenant.value() + "\n" + transcript;
    }

    void perform(ModelStep step) {
        steps++;
        transcript.append('#').append(steps).append(' ').append(step).append('\n');
        for (var part : step.parts(this)) {
            var before = coverage.before(model);
            part.perform(this);
            coverage.after(part, before, model);
        }
    }

    UserId user(String name) {
        return users.get(name);
    }

    /** A line of the transcript under the current step: an answer, or why a step made no call. */
    void transcribe(String line) {
        transcript.append("   ").append(line).append('\n');
    }

    // ---------------------------------------------------------------- resolving symbolic choices

    RequestId requestFor(Target target) {
        List<String> known = model.requestIds();
        return new RequestId(switch (target) {
            case Target.Fresh f -> "r" + freshRequests++;
            case Target.Recent r -> known.isEmpty() ? "r" + freshRequests++ : latest(known, r.latest());
            case Target.Open o -> latestOf(model.requestIds(Status.AUTHORIZED), known, o.latest());
            case Target.Expired e -> latestOf(model.requestIds(Status.EXPIRED), known, e.latest());
            case Target.Unknown u -> "ghost-" + unknownRequests++;
        });
    }

    private String latestOf(List<String> preferred, List<String> known, int latest) {
        return !preferred.isEmpty() ? latest(preferred, latest)
                : !known.isEmpty() ? latest(known, latest) : "ghost-" + unknownRequests++;
    }

    private static String latest(List<String> ids, int latest) {
        return ids.get(ids.size() - 1 - latest % ids.size());
    }

    /** May come out zero or negative ("removable-0.001" of nothing): the ledger must refuse it then. */
    Credits amount(Amount amount, UserId user, RequestId request) {
        return switch (amount) {
            case Amount.Exactly e -> e.credits();
            case Amount.Relative r -> new Credits(r.offsetThousandths() + switch (r.figure()) {
                case UNASSIGNED -> model.unassigned();
                case REMOVABLE -> user == null ? 0 : model.removable(user);
                case AVAILABLE -> user == null ? 0 : model.available(user);
                case HELD -> request == null ? 0 : model.held(request.value());
            });
        };
    }

    UserId nextUser(UserId user) {
        int index = registered.indexOf(user);
        return registered.get((index + 1) % registered.size());
    }

    // ---------------------------------------------------------------- the answer of one call

    /** The ledger's answer must be the model's prediction, field for field; the transcript records both. */
    void compare(String call, Object expected, Object result) {
        // The model predicts the value (or the rejection) itself, not its Outcome wrapper.
        Object actual = switch (result) {
            case Refused<?> r -> new Rejection(r.reason(), r.limit());
            case Outcome.Done<?>(Object value) -> value;
            default -> result;
        };
        transcribe(call + " -> " + result);
        coverage.outcome(call.substring(0, call.indexOf('(')), actual);
        assertThat(actual).as("step #%d %s", steps, call).isEqualTo(expected);
    }

    /** PostgreSQL keeps microseconds: a first answer may show its time rounded to them, no more. */
    void sameMoment(String call, Instant predicted, Instant answered) {
        assertThat(answered).as("step #%d %s: time", steps, call).isCloseTo(predicted, within(1, ChronoUnit.MICROS));
    }
}


package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.aicredits.TestClock;
import com.aicredits.requests.CreditRequest;
import com.aicredits.requests.CreditRequests;
import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.directory.User;
import com.aicredits.ledger.ModelChoices.AdminVariation;
import com.aicredits.ledger.ModelChoices.Amount;
import com.aicredits.ledger.ModelChoices.RequestVariation;
import com.aicredits.ledger.ModelChoices.Target;
import com.aicredits.ledger.ModelState.AllowanceOutcome;
import com.aicredits.ledger.ModelState.GrantFigures;
import com.aicredits.ledger.ModelState.Rejection;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.ledger.RequestState.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
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
 */
final class ModelRun {

    static final Actor ADMIN = new Actor("admin:model");
    static final Actor FEATURE = new Actor("key:model");

    /** One admin call exactly as sent, so that a retry can send it again. */
    record AdminCall(EntryType kind, UserId user, Credits credits, String note, String reference, String key) {

        AdminCall withCredits(Credits other) {
            return new AdminCall(kind, user, other, note, reference, key);
        }

        AdminCall withNote(String other) {
            return new AdminCall(kind, user, credits, other, reference, key);
        }

        AdminCall withReference(String other) {
            return new AdminCall(kind, user, credits, note, other, key);
        }

        /** The same credits, note and key, for another kind of call or another user. */
        AdminCall withKind(EntryType otherKind, UserId otherUser) {
            String otherReference = otherKind == EntryType.PURCHASE ? reference : null;
            return new AdminCall(otherKind, otherUser, credits, note, otherReference, key);
        }
    }

    /** One authorize ({@code amount} is the estimate, null for the default) or charge ({@code amount} is the cost). */
    record RequestCall(boolean charge, RequestId request, UserId user, String feature, Credits amount) {
    }

    final Ledger ledger;
    final Directory directory;
    final CreditRequests requests;
    final JdbcClient jdbc;
    final TestClock clock;
    final TenantId tenant;
    final LedgerModel model = new LedgerModel();
    final ModelCoverage coverage;
    final Map<String, UserId> users = new LinkedHashMap<>();
    final Map<UserId, String> names = new HashMap<>();
    final List<UserId> registered = new ArrayList<>();
    private final List<AdminCall> keyedAdminCalls = new ArrayList<>();
    private final List<RequestCall> requestCalls = new ArrayList<>();
    private final StringBuilder transcript = new StringBuilder();
    int steps;
    private int freshRequests;
    private int unknownRequests;
    private int bulkKeys;

    ModelRun(ConfigurableApplicationContext application, int userCount, ModelCoverage coverage) {
        this.ledger = application.getBean(Ledger.class);
        this.jdbc = application.getBean(JdbcClient.class);
        this.clock = application.getBean(TestClock.class);
        this.coverage = coverage;
        this.directory = application.getBean(Directory.class);
        this.requests = application.getBean(CreditRequests.class);
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
        var before = coverage.before(model);
        steps++;
        transcript.append('#').append(steps).append(' ').append(step).append('\n');
        step.perform(this);
        coverage.after(step, before, model);
    }

    UserId user(String name) {
        return users.get(name);
    }

    // ---------------------------------------------------------------- admin calls

    void allocation(EntryType kind, String userName, Amount amount, String note, String key) {
        UserId user = users.get(userName);
        admin(new AdminCall(kind, user, amount(amount, user, null), note, null, key));
    }

    /**
     * A credit request approved: the same allocation the model predicts for an assign (no active allocation) or an
     * add, made by the approval through the ledger's facade with the request's own key. A refused approval leaves
     * the request pending; the next approval step of that user approves it again.
     */
    void approveRequest(String userName, Amount amount) {
        UserId user = users.get(userName);
        var filed = requests.file(tenant, user, Credits.of(1), "model", ADMIN.name());
        java.util.UUID id;
        if (filed instanceof Outcome.Done<CreditRequest>(var request)) {
            id = request.id();
        } else {
            var pending = requests.forUser(tenant, user).stream()
                    .filter(r -> r.status() == CreditRequest.Status.PENDING).findFirst();
            if (pending.isEmpty()) {
                transcript.append("   file request(").append(userName).append(") -> ").append(filed).append('\n');
                return;
            }
            id = pending.get().id();
        }
        Credits credits = amount(amount, user, null);
        boolean allocated = ledger.balance(tenant, user).map(Balance::active).orElse(false);
        EntryType kind = allocated ? EntryType.ADD : EntryType.ASSIGN;
        Object expected = ModelAllocations.allocate(model, kind, user, credits, "credit request: model", "credit-request:" + id);
        var approved = requests.approve(tenant, id, credits, null, ADMIN.name());
        String call = "approve request(" + userName + ", " + kind + " " + credits + ")";
        if (expected instanceof Rejection) {
            compare(call, expected, approved);
        } else {
            transcript.append("   ").append(call).append(" -> ").append(approved).append('\n');
            assertThat(approved).as("step #%d %s", steps, call).isInstanceOf(Outcome.Done.class);
            assertThat(approved.orElseThrow().granted()).as("step #%d %s", steps, call).isEqualTo(credits);
        }
    }

    void admin(AdminCall call) {
        Instant now = clock.instant();
        Object expected = switch (call.kind()) {
            case PURCHASE -> ModelAllocations.purchase(model, call.credits(), call.reference(), call.note(), call.key(), now);
            default -> ModelAllocations.allocate(model, call.kind(), call.user(), call.credits(), call.note(), call.key());
        };
        Object actual = switch (call.kind()) {
            case PURCHASE -> ledger.purchase(tenant, call.credits(), call.reference(), call.note(), ADMIN, call.key());
            case ASSIGN -> ledger.assign(tenant, call.user(), call.credits(), call.note(), ADMIN, call.key());
            case ADD -> ledger.add(tenant, call.user(), call.credits(), call.note(), ADMIN, call.key());
            case REMOVE -> ledger.remove(tenant, call.user(), call.credits(), call.note(), ADMIN, call.key());
            case END -> ledger.endAllocation(tenant, call.user(), ADMIN, call.key());
            default -> throw new IllegalArgumentException(call.kind().name());
        };
        if (expected instanceof Purchased p && !p.replayed() && actual instanceof Outcome.Done<?>(Purchased a)) {
            // The entry id is the database's choice, and the time may be kept to the microsecond only.
            var predicted = p.purchase();
            var answered = a.purchase();
            sameMoment(describe(call), predicted.createdAt(), answered.createdAt());
            expected = new Purchased(new Purchase(answered.id(), predicted.credits(), predicted.reference(),
                    predicted.note(), predicted.actor(), answered.createdAt()), false);
            compare(describe(call), expected, actual);
            ModelAllocations.answered(model, call.key(), answered);
        } else {
            compare(describe(call), expected, actual);
        }
        if (call.key() != null) {
            keyedAdminCalls.add(call);
        }
    }

    void retryAdmin(int latest, AdminVariation variation) {
        if (keyedAdminCalls.isEmpty()) {
            transcript.append("   (no admin call with a key yet: nothing to retry)\n");
            return;
        }
        var first = keyedAdminCalls.get(keyedAdminCalls.size() - 1 - latest % keyedAdminCalls.size());
        // Ending an allocation takes no amount and no note: those variations of it are another user instead.
        var change = first.kind() == EntryType.END && (variation == AdminVariation.OTHER_AMOUNT
                || variation == AdminVariation.OTHER_NOTE) ? AdminVariation.OTHER_USER : variation;
        admin(switch (change) {
            case SAME -> first;
            case OTHER_AMOUNT -> first.withCredits(first.credits().plus(new Credits(1)));
            case OTHER_NOTE -> first.withNote(
                    "project Phoenix".equals(first.note()) ? "welcome credits" : "project Phoenix");
            case OTHER_USER -> first.kind() == EntryType.PURCHASE
                    ? first.withReference(first.reference() + "-b")
                    : first.withKind(first.kind(), nextUser(first.user()));
            case OTHER_KIND -> switch (first.kind()) {
                case PURCHASE -> first.withKind(EntryType.ASSIGN, registered.getFirst());
                case ASSIGN -> first.withKind(EntryType.ADD, first.user());
                case ADD -> first.withKind(EntryType.REMOVE, first.user());
                default -> first.withKind(EntryType.ASSIGN, first.user());
            };
        });
    }

    // ---------------------------------------------------------------- the directory

    /**
     * Deactivates the user through the directory, as the Users tab, the API and SCIM do; what the ledger took
     * back is read from its entries by actor directory and must be what the model reclaimed.
     */
    void deactivate(String name) {
        UserId user = users.get(name);
        Credits expected = ModelAllocations.deactivate(model, user);
        Credits before = reclaimed(user);
        directory.change(tenant, user, new com.aicredits.directory.UserChange(null, null, false));
        compare("deactivate(" + name + ")", expected, reclaimed(user).minus(before));
    }

    void reactivate(String name) {
        UserId user = users.get(name);
        ModelAllocations.reactivate(model, user);
        Credits before = reclaimed(user);
        directory.change(tenant, user, new com.aicredits.directory.UserChange(null, null, true));
        compare("reactivate(" + name + ")", Credits.ZERO, reclaimed(user).minus(before));
    }

    private Credits reclaimed(UserId user) {
        return new Credits(jdbc.sql("""
                select coalesce(sum(credits), 0) from ledger_entries
                 where tenant_id = ? and user_id = ? and type = 'REMOVE' and actor = 'directory'
                """).params(tenant.value(), user.value()).query(Long.class).single());
    }

    // ---------------------------------------------------------------- allowances

    void setAllowance(String userName, Amount amount, Period period, AllowanceMode mode) {
        UserId user = users.get(userName);
        var terms = new AllowanceTerms(amount(amount, user, null), period, mode);
        Object expected = ModelAllowances.setAllowance(model, user, terms, clock.instant());
        Object actual = switch (ledger.allowances().set(tenant, user, terms, null, ADMIN)) {
            case Outcome.Done<Allowance>(var set) -> new AllowanceOutcome(set.terms(),
                    set.lastGrant().map(g -> new GrantFigures(g.due().thousandths(), g.granted().thousandths(),
                            g.shortfall().thousandths(), g.returned().thousandths())).orElse(null));
            case Refused<Allowance> refused -> refused;
        };
        compare("setAllowance(" + userName + ", " + terms + ")", expected, actual);
    }

    void removeAllowance(String userName) {
        UserId user = users.get(userName);
        compare("removeAllowance(" + userName + ")", ModelAllowances.removeAllowance(model, user), ledger.allowances().remove(tenant, user));
    }

    /** The action bar's "Set allowance" for several users, against the model; a dry run compared without its figures after. */
    void setAllowances(ModelStep.SetAllowances step) {
        var ids = step.users().stream().map(users::get).toList();
        var terms = new AllowanceTerms(amount(step.credits(), ids.getFirst(), null), step.period(), step.mode());
        Object expected = ModelBulk.setAllowances(model, ids, terms, step.dryRun(), clock.instant());
        Object actual = ModelBulk.Answer.of(ledger.allowances().setAll(tenant, ids, terms, null, ADMIN, step.dryRun()));
        compare("setAllowances(" + step.users() + ", " + terms + ", dryRun=" + step.dryRun() + ")", expected,
                step.dryRun() ? ModelBulk.withoutAfter(actual) : actual);
    }

    /** Moves the clock past the next start of {@code period} (UTC, the tenant's zone) and runs the period job. */
    void periodStart(Period period, int secondsAfter, int batchSize) {
        var next = ModelAllowances.nextPeriodStart(period, clock.instant());
        clock.advance(Duration.between(clock.instant(), next).plusSeconds(secondsAfter));
        compare("periodStart(" + period + " " + ModelAllowances.periodStart(period, clock.instant()) + ")",
                ModelAllowances.grantDue(model, clock.instant()), ledger.allowances().grantDue(tenant, batchSize, batch -> { }));
    }

    void grantCurrentPeriod() {
        compare("grantCurrentPeriod()", ModelAllowances.grantCurrentPeriod(model, clock.instant()), ledger.allowances().grantCurrentPeriod(tenant));
    }

    /** A bulk change against the model and the ledger; an applied one has a key of its own (never reused). */
    void bulk(ModelStep.Bulk step) {
        var ids = step.users().stream().map(users::get).toList();
        var amounts = new ArrayList<Credits>();
        var items = new ArrayList<BulkChange.Item>();
        for (int i = 0; i < ids.size(); i++) {
            amounts.add(amount(step.credits().get(i), ids.get(i), null));
            items.add(new BulkChange.Item(ids.get(i), null, amounts.get(i), null));
        }
        Object expected = ModelBulk.bulk(model, step.kind(), ids, amounts, step.note(), step.dryRun());
        String key = step.dryRun() ? null : "bulk-" + bulkKeys++;
        var actual = ledger.bulk(tenant, new BulkChange(BulkChange.Operation.valueOf(step.kind().name()), items,
                step.note(), step.dryRun()), ADMIN, key);
        compare("bulk(" + step.kind().name().toLowerCase() + ", " + step.users() + ", " + amounts + ", dryRun="
                + step.dryRun() + ")", expected, ModelBulk.Answer.of(actual));
    }

    // ---------------------------------------------------------------- consumption calls

    void request(RequestCall call) {
        Instant now = clock.instant();
        Object expected = call.charge()
                ? ModelConsumption.charge(model, call.request(), call.user(), call.feature(), call.amount())
                : ModelConsumption.authorize(model, call.request(), call.user(), call.feature(), call.amount(), now);
        Object actual = call.charge()
                ? ledger.charge(tenant, call.request(), call.user(), call.feature(), call.amount(), FEATURE)
                : ledger.authorize(tenant, call.request(), call.user(), call.feature(), call.amount(), FEATURE);
        if (expected instanceof Authorized e && !e.replayed() && actual instanceof Outcome.Done<?>(Authorized a)) {
            // The time may be kept to the microsecond only; a retry must then repeat this very answer.
            sameMoment(describe(call), e.expiresAt(), a.expiresAt());
            var first = new Authorized(e.requestId(), e.held(), e.available(), a.expiresAt(), false);
            compare(describe(call), first, a);
            ModelConsumption.answered(model, a);
        } else {
            compare(describe(call), expected, actual);
        }
        requestCalls.add(call);
    }

    /**
     * A batch of charges: the model applies the items one after another as single charges (that is the
     * batch's contract); a malformed one (an item's cost out of range) is refused whole and changes nothing.
     */
    void chargeBatch(ModelStep.ChargeBatch step) {
        var items = new ArrayList<ChargeItem>();
        for (int i = 0; i < step.items().size(); i++) {
            var item = step.items().get(i);
            var id = step.sameAs().get(i) >= 0 ? items.get(step.sameAs().get(i)).requestId() : requestFor(item.request());
            var userId = user(item.user());
            items.add(new ChargeItem(id, userId, item.feature(), amount(item.cost(), userId, id)));
        }
        var actual = ledger.charge(tenant, items, FEATURE);
        String described = "chargeBatch(" + items.stream().map(i -> i.requestId() + " " + names.get(i.userId()) + " "
                + i.feature() + " cost=" + i.cost()).collect(java.util.stream.Collectors.joining(", ")) + ")";
        if (items.stream().anyMatch(i -> !LedgerModel.isCost(i.cost()))) {
            compare(described, new Rejection(Refusal.INVALID_AMOUNT), actual);
            return;
        }
        assertThat(actual).as("step #%d %s", steps, described).isInstanceOf(Outcome.Done.class);
        var results = actual.orElseThrow();
        for (int i = 0; i < items.size(); i++) {
            var item = items.get(i);
            var call = new RequestCall(true, item.requestId(), item.userId(), item.feature(), item.cost());
            compare("chargeBatch(item " + i + " of " + described.substring("chargeBatch(".length()),
                    ModelConsumption.charge(model, item.requestId(), item.userId(), item.feature(), item.cost()), results.get(i));
            requestCalls.add(call);
        }
    }

    void retryRequest(int latest, RequestVariation variation) {
        if (requestCalls.isEmpty()) {
            transcript.append("   (no authorize or charge yet: nothing to retry)\n");
            return;
        }
        var first = requestCalls.get(requestCalls.size() - 1 - latest % requestCalls.size());
        request(switch (variation) {
            case SAME -> first;
            // Neither the estimate nor the cost is part of a request's identity: a retry still replays.
            case OTHER_AMOUNT -> new RequestCall(first.charge(), first.request(), first.user(), first.feature(),
                    first.amount() == null ? Credits.of(2) : first.amount().plus(new Credits(1)));
            case OTHER_USER -> new RequestCall(first.charge(), first.request(), nextUser(first.user()),
                    first.feature(), first.amount());
            case OTHER_FEATURE -> new RequestCall(first.charge(), first.request(), first.user(),
                    ModelChoices.CANVAS.equals(first.feature()) ? ModelChoices.SUMMARIZE : ModelChoices.CANVAS,
                    first.amount());
            case OTHER_KIND -> first.charge()
                    ? new RequestCall(false, first.request(), first.user(), first.feature(), null)
                    : new RequestCall(true, first.request(), first.user(), first.feature(),
                            first.amount() == null ? Credits.of(1) : first.amount());
        });
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

    private UserId nextUser(UserId user) {
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
        transcript.append("   ").append(call).append(" -> ").append(result).append('\n');
        coverage.outcome(call.substring(0, call.indexOf('(')), actual);
        assertThat(actual).as("step #%d %s", steps, call).isEqualTo(expected);
    }

    private String describe(AdminCall call) {
        return call.kind().name().toLowerCase() + "(" + (call.user() == null ? "" : names.get(call.user()) + ", ")
                + call.credits() + (call.reference() == null ? "" : ", ref=" + call.reference())
                + ", note=" + call.note() + ", key=" + call.key() + ")";
    }

    private String describe(RequestCall call) {
        return (call.charge() ? "charge(" : "authorize(") + call.request() + ", " + names.get(call.user()) + ", "
                + call.feature() + ", " + (call.charge() ? "cost=" : "estimate=") + call.amount() + ")";
    }

    /** PostgreSQL keeps microseconds: a first answer may show its time rounded to them, no more. */
    private void sameMoment(String call, Instant predicted, Instant answered) {
        assertThat(answered).as("step #%d %s: time", steps, call).isCloseTo(predicted, within(1, ChronoUnit.MICROS));
    }
}

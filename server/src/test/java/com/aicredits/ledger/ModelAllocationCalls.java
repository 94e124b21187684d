package com.aicredits.ledger;

import static com.aicredits.ledger.ModelRun.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.requests.CreditRequest;
import com.aicredits.ledger.ModelChoices.AdminVariation;
import com.aicredits.ledger.ModelChoices.Amount;
import com.aicredits.ledger.ModelState.Rejection;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ModelRun}'s calls on the real ledger for the pool and the allocations, beside the model's
 * {@link ModelAllocations}: purchases, assign, add, remove and end (and their retries with a key), approved
 * credit requests, bulk changes, and the directory's deactivation and reactivation.
 */
final class ModelAllocationCalls {

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

    private final ModelRun run;
    private final List<AdminCall> keyedAdminCalls = new ArrayList<>();
    private int bulkKeys;

    ModelAllocationCalls(ModelRun run) {
        this.run = run;
    }

    // ---------------------------------------------------------------- admin calls

    void allocation(EntryType kind, String userName, Amount amount, String note, String key) {
        UserId user = run.users.get(userName);
        admin(new AdminCall(kind, user, run.amount(amount, user, null), note, null, key));
    }

    /**
     * A credit request approved: the same allocation the model predicts for an assign (no active allocation) or an
     * add, made by the approval through the ledger's facade with the request's own key. A refused approval leaves
     * the request pending; the next approval step of that user approves it again.
     */
    void approveRequest(String userName, Amount amount) {
        UserId user = run.users.get(userName);
        var filed = run.requests.file(run.tenant, user, Credits.of(1), "model", ADMIN.name());
        java.util.UUID id;
        if (filed instanceof Outcome.Done<CreditRequest>(var request)) {
            id = request.id();
        } else {
            var pending = run.requests.forUser(run.tenant, user).stream()
                    .filter(r -> r.status() == CreditRequest.Status.PENDING).findFirst();
            if (pending.isEmpty()) {
                run.transcribe("file request(" + userName + ") -> " + filed);
                return;
            }
            id = pending.get().id();
        }
        Credits credits = run.amount(amount, user, null);
        boolean allocated = run.ledger.balance(run.tenant, user).map(Balance::active).orElse(false);
        EntryType kind = allocated ? EntryType.ADD : EntryType.ASSIGN;
        Object expected = ModelAllocations.allocate(run.model, kind, user, credits, "credit request: model",
                "credit-request:" + id);
        var approved = run.requests.approve(run.tenant, id, credits, null, ADMIN.name());
        String call = "approve request(" + userName + ", " + kind + " " + credits + ")";
        if (expected instanceof Rejection) {
            run.compare(call, expected, approved);
        } else {
            run.transcribe(call + " -> " + approved);
            assertThat(approved).as("step #%d %s", run.steps, call).isInstanceOf(Outcome.Done.class);
            assertThat(approved.orElseThrow().granted()).as("step #%d %s", run.steps, call).isEqualTo(credits);
        }
    }

    void admin(AdminCall call) {
        Instant now = run.clock.instant();
        Object expected = switch (call.kind()) {
            case PURCHASE -> ModelAllocations.purchase(run.model, call.credits(), call.reference(), call.note(),
                    call.key(), now);
            default -> ModelAllocations.allocate(run.model, call.kind(), call.user(), call.credits(), call.note(),
                    call.key());
        };
        Object actual = switch (call.kind()) {
            case PURCHASE -> run.ledger.purchase(run.tenant, call.credits(), call.reference(), call.note(), ADMIN,
                    call.key());
            case ASSIGN -> run.ledger.assign(run.tenant, call.user(), call.credits(), call.note(), ADMIN, call.key());
            case ADD -> run.ledger.add(run.tenant, call.user(), call.credits(), call.note(), ADMIN, call.key());
            case REMOVE -> run.ledger.remove(run.tenant, call.user(), call.credits(), call.note(), ADMIN, call.key());
            case END -> run.ledger.endAllocation(run.tenant, call.user(), ADMIN, call.key());
            default -> throw new IllegalArgumentException(call.kind().name());
        };
        if (expected instanceof Purchased p && !p.replayed() && actual instanceof Outcome.Done<?>(Purchased a)) {
            // The entry id is the database's choice, and the time may be kept to the microsecond only.
            var predicted = p.purchase();
            var answered = a.purchase();
            run.sameMoment(describe(call), predicted.createdAt(), answered.createdAt());
            expected = new Purchased(new Purchase(answered.id(), predicted.credits(), predicted.reference(),
                    predicted.note(), predicted.actor(), answered.createdAt()), false);
            run.compare(describe(call), expected, actual);
            ModelAllocations.answered(run.model, call.key(), answered);
        } else {
            run.compare(describe(call), expected, actual);
        }
        if (call.key() != null) {
            keyedAdminCalls.add(call);
        }
    }

    void retryAdmin(int latest, AdminVariation variation) {
        if (keyedAdminCalls.isEmpty()) {
            run.transcribe("(no admin call with a key yet: nothing to retry)");
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
                    : first.withKind(first.kind(), run.nextUser(first.user()));
            case OTHER_KIND -> switch (first.kind()) {
                case PURCHASE -> first.withKind(EntryType.ASSIGN, run.registered.getFirst());
                case ASSIGN -> first.withKind(EntryType.ADD, first.user());
                case ADD -> first.withKind(EntryType.REMOVE, first.user());
                default -> first.withKind(EntryType.ASSIGN, first.user());
            };
        });
    }

    /** A bulk change against the model and the ledger; an applied one has a key of its own (never reused). */
    void bulk(ModelStep.Bulk step) {
        var ids = step.users().stream().map(run.users::get).toList();
        var amounts = new ArrayList<Credits>();
        var items = new ArrayList<BulkChange.Item>();
        for (int i = 0; i < ids.size(); i++) {
            amounts.add(run.amount(step.credits().get(i), ids.get(i), null));
            items.add(new BulkChange.Item(ids.get(i), null, amounts.get(i), null));
        }
        Object expected = ModelBulk.bulk(run.model, step.kind(), ids, amounts, step.note(), step.dryRun());
        String key = step.dryRun() ? null : "bulk-" + bulkKeys++;
        var actual = run.ledger.bulk(run.tenant, new BulkChange(BulkChange.Operation.valueOf(step.kind().name()), items,
                step.note(), step.dryRun()), ADMIN, key);
        run.compare("bulk(" + step.kind().name().toLowerCase() + ", " + step.users() + ", " + amounts + ", dryRun="
                + step.dryRun() + ")", expected, ModelBulk.Answer.of(actual));
    }

    // ---------------------------------------------------------------- the directory

    /**
     * Deactivates the user through the directory, as the Users tab, the API and SCIM do; what the ledger took
     * back is read from its entries by actor directory and must be what the model reclaimed.
     */
    void deactivate(String name) {
        UserId user = run.users.get(name);
        Credits expected = ModelAllocations.deactivate(run.model, user);
        Credits before = reclaimed(user);
        run.directory.change(run.tenant, user, new com.aicredits.directory.UserChange(null, null, false));
        run.compare("deactivate(" + name + ")", expected, reclaimed(user).minus(before));
    }

    void reactivate(String name) {
        UserId user = run.users.get(name);
        ModelAllocations.reactivate(run.model, user);
        Credits before = reclaimed(user);
        run.directory.change(run.tenant, user, new com.aicredits.directory.UserChange(null, null, true));
        run.compare("reactivate(" + name + ")", Credits.ZERO, reclaimed(user).minus(before));
    }

    private Credits reclaimed(UserId user) {
        return new Credits(run.jdbc.sql("""
                select coalesce(sum(credits), 0) from ledger_entries
                 where tenant_id = ? and user_id = ? and type = 'REMOVE' and actor = 'directory'
                """).params(run.tenant.value(), user.value()).query(Long.class).single());
    }

    private String describe(AdminCall call) {
        return call.kind().name().toLowerCase() + "(" + (call.user() == null ? "" : run.names.get(call.user()) + ", ")
                + call.credits() + (call.reference() == null ? "" : ", ref=" + call.reference())
                + ", note=" + call.note() + ", key=" + call.key() + ")";
    }
}

package com.aicredits.requests;

import com.aicredits.access.Audit;
import com.aicredits.directory.Directory;
import com.aicredits.directory.User;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.Allocated;
import com.aicredits.ledger.Balance;
import com.aicredits.ledger.Ledger;
import com.aicredits.live.LiveUpdates;
import com.aicredits.notifications.Notifications;
import com.aicredits.requests.CreditRequest.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.StorableText;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Credit requests (SPEC part two): filed by the user (or an AI feature or admin on their behalf), one pending per
 * user; approved by an admin with an assign (the user has no active allocation) or an add from the pool, through
 * the ledger's facade inside the approval's own transaction, so the request is approved exactly when its credits
 * moved; declined with a reason. A refused approval (the pool too small, the user deactivated) rolls everything
 * back and leaves the request pending. Each step notifies (admins of a new request, the requester of the
 * decision) and publishes {@link CreditRequestChanged} in its transaction.
 */
@Service
public class CreditRequests {

    public static final int REASON_MAX = 500;
    public static final int NOTE_MAX = 500;
    public static final int PAGE_MAX = 100;

    private final CreditRequestStore store;
    private final Ledger ledger;
    private final Directory directory;
    private final Notifications notifications;
    private final LiveUpdates live;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Audit audit;
    private final Clock clock;

    CreditRequests(CreditRequestStore store, Ledger ledger, Directory directory, Notifications notifications,
            LiveUpdates live, TransactionTemplate transactions, ApplicationEventPublisher events, Audit audit,
            Clock clock) {
        this.audit = audit;
        this.store = store;
        this.ledger = ledger;
        this.directory = directory;
        this.notifications = notifications;
        this.live = live;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
    }

    /** Files a request for {@code user}; {@code filedBy} is the actor (the user, a key, an admin). */
    public Outcome<CreditRequest> file(TenantId tenant, UserId user, Credits credits, String reason, String filedBy) {
        var invalid = amount(credits, "credits").or(() -> text(reason, "reason", REASON_MAX, true));
        if (invalid.isPresent()) {
            return invalid.get().as();
        }
        var person = directory.user(tenant, user);
        if (person.isEmpty()) {
            return Refused.notFound("user");
        }
        if (!person.get().active()) {
            return new Refused<>(Refusal.USER_INACTIVE, "the user is deactivated");
        }
        return transactions.execute(tx -> {
            Instant now = now();
            var id = store.insert(tenant, user, credits, reason.strip(), filedBy, now);
            if (id.isEmpty()) {
                return new Refused<>(Refusal.REQUEST_PENDING,
                        "the user already has a pending credit request; wait for an admin to decide it");
            }
            var request = store.find(tenant, id.get()).orElseThrow();
            notifications.notifyAdmins(tenant, CreditRequestChanged.CREATED,
                    request.name() + " asks for " + credits.toDisplayString("AI credit"),
                    "Reason: " + request.reason(), "/app/tenants/" + tenant + "/credits/requests", request.id());
            changed(tenant, CreditRequestChanged.CREATED, request, filedBy, now);
            return Outcome.done(request);
        });
    }

    /**
     * Grants {@code credits} (the amount asked for when null) from the pool: an assign when the user has no
     * active allocation, else an add, recorded in the ledger with the decider as actor and the request's id in
     * the entry's idempotency key, so a request is granted at most once whatever retries.
     */
    public Outcome<CreditRequest> approve(TenantId tenant, UUID id, Credits credits, String note, String decidedBy) {
        var invalid = (credits == null ? Optional.<Refused<?>>empty() : amount(credits, "credits"))
                .or(() -> text(note, "note", NOTE_MAX, false));
        if (invalid.isPresent()) {
            return invalid.get().as();
        }
        return transactions.execute(tx -> {
            var closed = lockPending(tenant, id);
            if (closed.isPresent()) {
                return closed.get().as();
            }
            var request = store.find(tenant, id).orElseThrow();
            Credits granted = credits == null ? request.credits() : credits;
            String entryNote = clip("credit request: " + (note == null || note.isBlank() ? request.reason() : note.strip()), NOTE_MAX);
            boolean allocated = ledger.balance(tenant, request.userId()).map(Balance::active).orElse(false);
            String key = "credit-request:" + id;
            var actor = new Actor(decidedBy);
            var moved = allocated
                    ? ledger.add(tenant, request.userId(), granted, entryNote, actor, key)
                    : ledger.assign(tenant, request.userId(), granted, entryNote, actor, key);
            if (moved instanceof Refused<Allocated> refused) {
                return rollBack(tx, refused);
            }
            Instant now = now();
            store.approve(tenant, id, granted, blankToNull(note), decidedBy, now);
            var approved = store.find(tenant, id).orElseThrow();
            notifications.notifyUser(tenant, approved.userId(), CreditRequestChanged.APPROVED,
                    "Your credit request was approved",
                    who(tenant, decidedBy) + " added " + granted.toDisplayString("AI credit")
                            + (granted.compareTo(approved.credits()) < 0 ? " of the " + approved.credits().toDisplayString()
                                    + " you asked for" : " for you")
                            + (approved.decisionNote() == null ? "." : ". Note: " + approved.decisionNote()),
                    "/app/tenants/" + tenant + "/me");
            audited(tenant, approved, "approve", "granted " + granted.toDisplayString() + " as an "
                    + (allocated ? "add" : "assign") + (approved.decisionNote() == null ? "" : "; note: " + approved.decisionNote()));
            notifications.settled(tenant, CreditRequestChanged.CREATED, id); // every admin's "X asks for …"
            changed(tenant, CreditRequestChanged.APPROVED, approved, decidedBy, now);
            return Outcome.done(approved);
        });
    }

    /** The decider as the requester knows them: their name, where the actor is a person of the tenant (an e-mail). */
    private String who(TenantId tenant, String decidedBy) {
        return directory.userByEmail(tenant, decidedBy).map(User::name).orElse(decidedBy);
    }

    public Outcome<CreditRequest> decline(TenantId tenant, UUID id, String reason, String decidedBy) {
        var invalid = text(reason, "reason", REASON_MAX, false);
        if (invalid.isPresent()) {
            return invalid.get().as();
        }
        return transactions.execute(tx -> {
            var closed = lockPending(tenant, id);
            if (closed.isPresent()) {
                return closed.get().as();
            }
            Instant now = now();
            store.decline(tenant, id, blankToNull(reason), decidedBy, now);
            var declined = store.find(tenant, id).orElseThrow();
            notifications.notifyUser(tenant, declined.userId(), CreditRequestChanged.DECLINED,
                    "Your credit request was declined",
                    "Your request for " + declined.credits().toDisplayString("AI credit") + " was declined by "
                            + who(tenant, decidedBy)
                            + (declined.decisionNote() == null ? "." : ". Reason: " + declined.decisionNote()),
                    "/app/tenants/" + tenant + "/me");
            audited(tenant, declined, "decline", "asked for " + declined.credits().toDisplayString()
                    + (declined.decisionNote() == null ? "; no reason given" : "; reason: " + declined.decisionNote()));
            notifications.settled(tenant, CreditRequestChanged.CREATED, id);
            changed(tenant, CreditRequestChanged.DECLINED, declined, decidedBy, now);
            return Outcome.done(declined);
        });
    }

    public Optional<CreditRequest> request(TenantId tenant, UUID id) {
        return store.find(tenant, id);
    }

    /** {@code status} null for all: pending first, oldest first, then decided ones, newest first. */
    public List<CreditRequest> list(TenantId tenant, Status status, int page, int size) {
        return store.list(tenant, status, page, size);
    }

    public long count(TenantId tenant, Status status) {
        return store.count(tenant, status);
    }

    /** The user's own requests, newest first. */
    public List<CreditRequest> forUser(TenantId tenant, UserId user) {
        return store.forUser(tenant, user, PAGE_MAX);
    }

    /** Empty when the request is pending (and now locked); else why it cannot be decided. */
    private Optional<Refused<?>> lockPending(TenantId tenant, UUID id) {
        var status = store.lock(tenant, id);
        if (status.isEmpty()) {
            return Optional.of(Refused.notFound("credit request"));
        }
        if (status.get() != Status.PENDING) {
            return Optional.of(new Refused<>(Refusal.REQUEST_CLOSED,
                    "the credit request was already " + status.get().name().toLowerCase() + "; it cannot be decided again"));
        }
        return Optional.empty();
    }

    private static <T> Outcome<T> rollBack(TransactionStatus tx, Refused<?> refused) {
        tx.setRollbackOnly();
        return refused.as();
    }

    /**
     * The decision in the audit trail, in its transaction: the ledger entry names the decider of an approval, but
     * a decline moves nothing and a screen decision is no API call, so neither would be there otherwise.
     */
    private void audited(TenantId tenant, CreditRequest request, String verb, String detail) {
        audit.record(tenant, request.decidedBy(), "CREDIT_REQUEST_" + request.status().name(),
                "/api/v1/tenants/" + tenant + "/credit-requests/" + request.id() + "/" + verb,
                "user " + request.userId() + ": " + detail);
    }

    private void changed(TenantId tenant, String type, CreditRequest request, String actor, Instant now) {
        events.publishEvent(new CreditRequestChanged(tenant, type, request, actor, now));
        // The admins' pending count and lists follow live, once the change has committed.
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                live.announce(tenant, "requests");
            }
        });
    }

    private static Optional<Refused<?>> amount(Credits credits, String field) {
        if (credits == null || !credits.isPositive() || credits.compareTo(Credits.MAX_ENTERED) > 0) {
            return Optional.of(new Refused<>(Refusal.INVALID_AMOUNT,
                    field + " must be more than 0 and at most " + Credits.MAX_ENTERED, null, field));
        }
        return Optional.empty();
    }

    private static Optional<Refused<?>> text(String text, String field, int max, boolean required) {
        if (required && (text == null || text.isBlank())) {
            return Optional.of(Refused.invalid(field, field + " is required"));
        }
        if (text != null && text.strip().length() > max) {
            return Optional.of(Refused.invalid(field, field + " has at most " + max + " characters"));
        }
        return StorableText.unstorable(text).map(why -> Refused.invalid(field, field + " " + why));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}

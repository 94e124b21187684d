package com.aicredits.notifications;

import com.aicredits.ledger.AlertRaised;
import com.aicredits.live.LiveUpdates;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The notification centre's one entry point. A notice is written in the caller's transaction (so it exists
 * exactly when the change it tells of does), and after commit the person's open pages hear of it (the bell
 * updates live) and, when mail is configured, an e-mail goes out. People read and mark only their own.
 */
@Service
public class Notifications {

    /** The list shows at most this many; older ones stay in the table, read or not. */
    public static final int LIST_MAX = 50;
    static final int TITLE_MAX = 200;
    static final int BODY_MAX = 2000;

    private final NotificationStore store;
    private final Mailer mailer;
    private final EmailOutbox emails;
    private final LiveUpdates live;
    private final Clock clock;

    Notifications(NotificationStore store, Mailer mailer, EmailOutbox emails, LiveUpdates live, Clock clock) {
        this.emails = emails;
        this.store = store;
        this.mailer = mailer;
        this.live = live;
        this.clock = clock;
    }

    /** Tells one person, in the app and by e-mail. */
    public void notifyUser(TenantId tenant, UserId user, String type, String title, String body, String link) {
        store.person(tenant, user).ifPresent(person -> {
            store.insert(tenant, user, type, clip(title, TITLE_MAX), clip(body, BODY_MAX), link, null, now());
            mail(tenant, person, title, body, link);
        });
        announce(tenant);
    }

    /** Tells every active admin of the tenant, in the app and by e-mail. */
    public void notifyAdmins(TenantId tenant, String type, String title, String body, String link) {
        notifyAdmins(tenant, type, title, body, link, null, true);
    }

    /**
     * The same about {@code subject} (a credit request), which one admin may settle for all: {@link #settled} then marks
     * every admin's notice of it read.
     */
    public void notifyAdmins(TenantId tenant, String type, String title, String body, String link, UUID subject) {
        notifyAdmins(tenant, type, title, body, link, subject, true);
    }

    /** What the notices of this type about {@code subject} asked for was done: they are read for everyone. */
    public void settled(TenantId tenant, String type, UUID subject) {
        if (store.markReadAbout(tenant, type, subject, now()) > 0) {
            announce(tenant);
        }
    }

    private void notifyAdmins(TenantId tenant, String type, String title, String body, String link, UUID subject,
            boolean email) {
        Instant now = now();
        for (var admin : store.admins(tenant)) {
            store.insert(tenant, admin.id(), type, clip(title, TITLE_MAX), clip(body, BODY_MAX), link, subject, now);
            if (email) {
                mail(tenant, admin, title, body, link);
            }
        }
        announce(tenant);
    }

    /** Deletes e-mails sent or given up before {@code before} (the outbox retention); how many. */
    public int forgetFinishedEmails(Instant before) {
        return emails.deleteFinished(before);
    }

    public Inbox inbox(TenantId tenant, UserId user, boolean unreadOnly) {
        return new Inbox(store.unread(tenant, user), store.newest(tenant, user, unreadOnly, LIST_MAX));
    }

    public long unread(TenantId tenant, UserId user) {
        return store.unread(tenant, user);
    }

    /** Marks the person's own notifications among {@code ids} read; anyone else's ids change nothing. */
    public void markRead(TenantId tenant, UserId user, Collection<UUID> ids) {
        if (!ids.isEmpty() && store.markRead(tenant, user, ids, now()) > 0) {
            announce(tenant);
        }
    }

    public void markAllRead(TenantId tenant, UserId user) {
        if (store.markAllRead(tenant, user, now()) > 0) {
            announce(tenant);
        }
    }

    /**
     * An alert fired: written in the transaction that claimed it, so it is told exactly once. A user's own
     * balance goes to the user; the pool to the admins, who also see in the app (without an e-mail each time)
     * when one of their people has used everything up.
     */
    @EventListener
    void on(AlertRaised alert) {
        var tenant = alert.tenantId();
        String figure = alert.figure().toDisplayString();
        String threshold = alert.threshold().toDisplayString();
        switch (alert.type()) {
            case AlertRaised.USER_LOW_BALANCE -> notifyUser(tenant, alert.userId(), alert.type(),
                    "Your AI credits are running low",
                    "You have " + figure + " credits left, at or below your alert level of " + threshold + ".",
                    "/app/tenants/" + tenant + "/me");
            case AlertRaised.USER_EXHAUSTED -> {
                notifyUser(tenant, alert.userId(), alert.type(), "Your AI credits are used up",
                        "You have " + figure + " credits available: AI features cannot start new requests. "
                                + "You can request more credits from your administrator.",
                        "/app/tenants/" + tenant + "/me");
                String who = store.person(tenant, alert.userId()).map(p -> p.name() + " (" + p.email() + ")").orElse("A user");
                notifyAdmins(tenant, alert.type(), who + " has used up their AI credits",
                        who + " has " + figure + " credits available and cannot start new AI requests.",
                        "/app/tenants/" + tenant + "/credits/users/" + alert.userId() + "/history", null, false);
            }
            default -> notifyAdmins(tenant, alert.type(), poolTitle(alert),
                    poolBody(alert, figure, threshold), "/app/tenants/" + tenant + "/credits");
        }
    }

    private static String poolTitle(AlertRaised alert) {
        return "tenantAvailable".equals(alert.measure()) ? "The tenant's AI credits are running low"
                : "The unassigned pool is running low";
    }

    private static String poolBody(AlertRaised alert, String figure, String threshold) {
        return "tenantAvailable".equals(alert.measure())
                ? "Only " + figure + " of the credits purchased are still available, below the alert level of " + threshold + "."
                : "Only " + figure + " credits are left unassigned, below the alert level of " + threshold + ".";
    }

    private void mail(TenantId tenant, NotificationStore.Person person, String title, String body, String link) {
        mailer.send(tenant, person.email(), title, "Hello " + person.name() + ",\n\n" + body + "\n\n" + mailer.link(link)
                + "\n\n— AI Credits\n");
    }

    /** The open pages hear after commit (the bell), or now when there is no transaction. */
    private void announce(TenantId tenant) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    live.announce(tenant, "notifications");
                }
            });
        } else {
            live.announce(tenant, "notifications");
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}

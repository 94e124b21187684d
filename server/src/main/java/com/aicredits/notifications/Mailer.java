package com.aicredits.notifications;

import com.aicredits.shared.Backoff;
import com.aicredits.shared.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Plain, short e-mails, sent only when Spring Boot's mail support is configured ({@code spring.mail.host}; without
 * it there is no {@link JavaMailSender}, nothing is written and nothing is sent). An e-mail is a row of the e-mail
 * outbox written in the caller's transaction, so it exists exactly when the notification that causes it does (none
 * for a change that rolls back, and none lost to a crash after commit); the {@link EmailWorker} sends it after
 * commit, woken by the commit, and retries while the SMTP server is away.
 */
@Component
class Mailer implements SmartLifecycle {

    private final EmailOutbox outbox;
    private final Clock clock;
    private final String publicUrl;
    private final EmailWorker worker;
    private final boolean workerEnabled;

    Mailer(ObjectProvider<JavaMailSender> sender, EmailOutbox outbox, TransactionTemplate transactions, Clock clock,
            @Value("${aicredits.mail.from:AI Credits <no-reply@localhost>}") String from,
            @Value("${aicredits.public-base-url:}") String publicUrl,
            @Value("${aicredits.mail.retry.initial:30s}") Duration initial,
            @Value("${aicredits.mail.retry.max-delay:30m}") Duration maxDelay,
            @Value("${aicredits.mail.max-attempts:10}") int maxAttempts,
            @Value("${aicredits.mail.poll-interval:5s}") Duration pollInterval,
            @Value("${aicredits.mail.worker.enabled:true}") boolean workerEnabled) {
        var mail = sender.getIfAvailable();
        this.outbox = outbox;
        this.clock = clock;
        this.publicUrl = publicUrl == null || publicUrl.isBlank() ? "http://localhost:8080" : publicUrl.strip().replaceAll("/+$", "");
        this.worker = mail == null ? null : new EmailWorker(outbox, mail, from, transactions, clock,
                new Backoff(initial, maxDelay), maxAttempts, pollInterval);
        this.workerEnabled = workerEnabled;
    }

    boolean enabled() {
        return worker != null;
    }

    /** The absolute address of a path of the web UI, for a link in an e-mail. */
    String link(String path) {
        return path == null ? publicUrl : publicUrl + path;
    }

    /** Writes the e-mail in the current transaction (or on its own when there is none) and wakes the worker after commit. */
    void send(TenantId tenant, String to, String subject, String text) {
        if (worker == null || to == null || to.isBlank()) {
            return;
        }
        outbox.add(tenant, to, subject, text, clock.instant().truncatedTo(ChronoUnit.MICROS));
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    worker.wake();
                }
            });
        } else {
            worker.wake();
        }
    }

    @Override
    public void start() {
        if (worker != null && workerEnabled) {
            worker.start();
        }
    }

    @Override
    public void stop() {
        if (worker != null) {
            worker.stop();
        }
    }

    @Override
    public boolean isRunning() {
        return worker != null && worker.isRunning();
    }
}

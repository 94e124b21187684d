package com.aicredits.notifications;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Plain, short e-mails, sent only when Spring Boot's mail support is configured ({@code spring.mail.host}; without
 * it there is no {@link JavaMailSender} and nothing is sent). A message is handed over after the transaction that
 * caused it commits (never for one that rolls back) to two sending threads of its own, so a slow or absent SMTP
 * server delays nothing else; a failure is logged, never thrown. The queue is bounded (1,000): beyond it messages
 * are dropped with a warning rather than held in memory without end.
 */
@Component
class Mailer {

    private static final Logger log = LoggerFactory.getLogger(Mailer.class);

    private final JavaMailSender sender;
    private final String from;
    private final String publicUrl;
    private final ThreadPoolExecutor sending = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1_000), Thread.ofVirtual().name("mail-", 0).factory(),
            (task, pool) -> log.warn("E-mail queue full: a notification e-mail was dropped"));

    Mailer(ObjectProvider<JavaMailSender> sender, @Value("${aicredits.mail.from:AI Credits <no-reply@localhost>}") String from,
            @Value("${aicredits.public-base-url:}") String publicUrl) {
        this.sender = sender.getIfAvailable();
        this.from = from;
        this.publicUrl = publicUrl == null || publicUrl.isBlank() ? "http://localhost:8080" : publicUrl.strip().replaceAll("/+$", "");
    }

    boolean enabled() {
        return sender != null;
    }

    /** The absolute address of a path of the web UI, for a link in an e-mail. */
    String link(String path) {
        return path == null ? publicUrl : publicUrl + path;
    }

    /** Sends after the current transaction commits, or now (on the sending threads) when there is none. */
    void send(String to, String subject, String text) {
        if (sender == null || to == null || to.isBlank()) {
            return;
        }
        var message = new SimpleMailMessage();
        message.setFrom(from);
        message.setTo(to);
        message.setSubject(subject);
        message.setText(text);
        Runnable deliver = () -> sending.execute(() -> {
            try {
                sender.send(message);
            } catch (RuntimeException e) { // MailException, and anything a broken server provokes
                log.warn("Could not send the e-mail \"{}\" to {}: {}", subject, to, e.toString());
            }
        });
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    deliver.run();
                }
            });
        } else {
            deliver.run();
        }
    }
}

package com.aicredits.notifications;

import com.aicredits.shared.Backoff;
import com.aicredits.shared.OutboxLoop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the e-mail outbox: woken after each commit that wrote e-mails, and every poll interval anyway (retries, and
 * e-mails written on another instance). Any number of instances run one each: an e-mail is claimed with a lease
 * ({@link EmailOutbox#claim}), sent with no transaction open, and its outcome recorded only by the claim's holder,
 * so two workers never both send it while the lease holds. A failed attempt is retried after a doubling backoff;
 * after {@code maxAttempts} the e-mail is given up and logged. A sender that dies mid-send leaves its e-mail to be
 * sent again when the lease runs out: at least once, like the webhooks. Not a bean: {@link Mailer} makes one
 * when mail is configured.
 */
class EmailWorker {

    private static final Logger log = LoggerFactory.getLogger(EmailWorker.class);
    static final Duration LEASE = Duration.ofSeconds(60);
    static final int BATCH = 16;

    private final EmailOutbox outbox;
    private final JavaMailSender sender;
    private final String from;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Backoff backoff;
    private final int maxAttempts;
    private final OutboxLoop loop;

    EmailWorker(EmailOutbox outbox, JavaMailSender sender, String from, TransactionTemplate transactions, Clock clock,
            Backoff backoff, int maxAttempts, Duration pollInterval) {
        this.outbox = outbox;
        this.sender = sender;
        this.from = from;
        this.transactions = transactions;
        this.clock = clock;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.loop = new OutboxLoop("mail-worker", pollInterval, this::sendDue);
    }

    void wake() {
        loop.wake();
    }

    void start() {
        loop.start();
    }

    void stop() {
        loop.stop(Duration.ofSeconds(12));
    }

    boolean isRunning() {
        return loop.isRunning();
    }

    /** Claims one batch of due e-mails, sends them one after another and records each outcome; how many it tried. */
    int sendDue() {
        UUID token = UUID.randomUUID();
        Instant now = now();
        var claimed = transactions.execute(tx -> outbox.claim(now, now.plus(LEASE), token, BATCH));
        if (claimed == null) {
            return 0;
        }
        // Sent one after another: a slow server must not keep the last ones past their lease (another worker would
        // then send them too), so what is left once half the lease is gone waits for the lease to run out instead.
        Instant stopAt = now.plus(LEASE.dividedBy(2));
        for (var mail : claimed) {
            if (now().isAfter(stopAt)) {
                break;
            }
            send(mail, token);
        }
        return claimed.size();
    }

    private void send(EmailOutbox.Claimed mail, UUID token) {
        var message = new SimpleMailMessage();
        message.setFrom(from);
        message.setTo(mail.to());
        message.setSubject(mail.subject());
        message.setText(mail.body());
        String error = null;
        try {
            sender.send(message);
        } catch (RuntimeException e) { // MailException, and anything a broken server provokes
            error = e.toString();
        }
        Instant at = now();
        boolean recorded;
        if (error == null) {
            recorded = outbox.sent(mail.id(), token, at);
        } else {
            int attempts = mail.attempts() + 1;
            Instant next = attempts >= maxAttempts ? null : at.plus(backoff.after(attempts));
            recorded = outbox.failed(mail.id(), token, next, clip(error), at);
            if (next == null) {
                log.warn("Gave up the e-mail \"{}\" to {} after {} attempts: {}", mail.subject(), mail.to(), attempts, error);
            } else {
                log.info("Could not send the e-mail \"{}\" to {} (attempt {}), retrying at {}: {}", mail.subject(),
                        mail.to(), attempts, next, error);
            }
        }
        if (!recorded) {
            log.warn("e-mail {}: its claim ran out before the attempt finished; another worker may send it again", mail.id());
        }
    }

    private static String clip(String text) {
        return text.length() <= 500 ? text : text.substring(0, 499) + "…";
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}

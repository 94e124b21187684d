package com.aicredits.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.TestClock;
import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.shared.Backoff;
import com.aicredits.shared.TenantId;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable e-mail outbox against a real SMTP server in this JVM (GreenMail). This context has no
 * {@code spring.mail.host}, so its own worker does not exist: each test drives workers it builds on the context's
 * outbox, with a clock of its own (retries come due when the test moves it). CreditRequestApiTest covers the
 * whole path with mail on (a notification's e-mail arriving through the outbox).
 */
@TestApplication
class EmailOutboxTest {

    @Autowired EmailOutbox outbox;
    @Autowired Notifications notifications;
    @Autowired Directory directory;
    @Autowired TransactionTemplate transactions;
    @Autowired JdbcClient jdbc;

    private final TestClock clock = new TestClock();

    private static int freePort() throws Exception {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private EmailWorker worker(int port, int maxAttempts) {
        var sender = new JavaMailSenderImpl();
        sender.setHost("127.0.0.1");
        sender.setPort(port);
        sender.getJavaMailProperties().putAll(Map.of("mail.smtp.connectiontimeout", "2000", "mail.smtp.timeout", "2000"));
        return new EmailWorker(outbox, sender, "AI Credits <no-reply@test.example>", transactions, clock,
                new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(1)), maxAttempts, Duration.ofSeconds(1));
    }

    /**
     * Workers claim across tenants, and each test's workers would otherwise also take what an earlier test left
     * unsent: nothing else writes e-mails in this context (mail is off), so each test starts with none due.
     */
    @org.junit.jupiter.api.BeforeEach
    void nothingLeftDue() {
        jdbc.sql("update email_outbox set failed_at = now() where sent_at is null and failed_at is null").update();
    }

    private TenantId tenant() {
        return directory.createTenant("Mail " + UUID.randomUUID()).id();
    }

    private void write(TenantId tenant, int count, String prefix) {
        transactions.executeWithoutResult(tx -> IntStream.range(0, count).forEach(i ->
                outbox.add(tenant, prefix + i + "@mail.example", prefix + " " + i, "Hello " + i,
                        clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS))));
    }

    private Map<String, Object> state(TenantId tenant) {
        return jdbc.sql("""
                select count(*) filter (where sent_at is not null) as sent, count(*) filter (where failed_at is not null) as failed,
                       count(*) as total, coalesce(max(attempts), 0) as attempts
                  from email_outbox where tenant_id = ?""").params(tenant.value()).query().singleRow();
    }

    private static List<String> subjects(GreenMail smtp) {
        return Arrays.stream(smtp.getReceivedMessages()).map(EmailOutboxTest::subject).toList();
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void mails_written_while_the_smtp_server_is_down_are_delivered_once_it_is_up() throws Exception {
        int port = freePort();
        var tenant = tenant();
        var worker = worker(port, 5);
        write(tenant, 3, "down");

        assertThat(worker.sendDue()).isEqualTo(3);
        assertThat(state(tenant)).containsEntry("sent", 0L).containsEntry("failed", 0L).containsEntry("attempts", 1);
        assertThat(worker.sendDue()).as("not due again before the backoff").isZero();

        var smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try {
            clock.advance(Duration.ofSeconds(15));
            assertThat(worker.sendDue()).isEqualTo(3);
            assertThat(state(tenant)).containsEntry("sent", 3L).containsEntry("attempts", 2);
            assertThat(subjects(smtp)).containsExactlyInAnyOrder("down 0", "down 1", "down 2");
            clock.advance(Duration.ofHours(1));
            assertThat(worker.sendDue()).as("a sent e-mail is never sent again").isZero();
        } finally {
            smtp.stop();
        }
    }

    @Test
    void an_e_mail_is_given_up_after_the_last_attempt() throws Exception {
        var tenant = tenant();
        var worker = worker(freePort(), 2);
        write(tenant, 1, "never");
        assertThat(worker.sendDue()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(2));
        assertThat(worker.sendDue()).isEqualTo(1);
        assertThat(state(tenant)).containsEntry("failed", 1L).containsEntry("sent", 0L).containsEntry("attempts", 2);
        clock.advance(Duration.ofHours(1));
        assertThat(worker.sendDue()).isZero();
    }

    @Test
    void two_workers_draining_one_outbox_together_send_each_e_mail_once() throws Exception {
        int port = freePort();
        var smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try {
            var tenant = tenant();
            write(tenant, 40, "pair");
            var first = worker(port, 5);
            var second = worker(port, 5);
            var attempted = new AtomicInteger();
            var a = CompletableFuture.runAsync(() -> drainAll(first, attempted));
            var b = CompletableFuture.runAsync(() -> drainAll(second, attempted));
            CompletableFuture.allOf(a, b).get();

            assertThat(attempted.get()).isEqualTo(40);
            assertThat(state(tenant)).containsEntry("sent", 40L).containsEntry("attempts", 1);
            var subjects = subjects(smtp);
            assertThat(subjects).hasSize(40).doesNotHaveDuplicates();
        } finally {
            smtp.stop();
        }
    }

    private static void drainAll(EmailWorker worker, AtomicInteger attempted) {
        for (int idle = 0; idle < 3; ) {
            int claimed = worker.sendDue();
            attempted.addAndGet(claimed);
            idle = claimed == 0 ? idle + 1 : 0;
        }
    }

    @Test
    void with_mail_off_a_notification_writes_no_e_mail() {
        var tenant = tenant();
        var user = directory.register(tenant, new NewUser("Off Mail", "off-" + UUID.randomUUID() + "@mail.example",
                Role.Planner, null, "Mail-test-" + UUID.randomUUID())).orElseThrow();
        transactions.executeWithoutResult(tx -> notifications.notifyUser(tenant, user.id(), "test", "Title", "Body", "/app"));
        assertThat(notifications.inbox(tenant, user.id(), false).items()).hasSize(1);
        assertThat(state(tenant)).containsEntry("total", 0L);
    }
}

package com.aicredits.http;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the credit request tests share ({@link CreditRequestApiTest}, {@link CreditRequestAuditTest}): the
 * application with e-mail on, a real SMTP server (GreenMail) in this JVM whose messages the tests read, and short
 * ways to build bodies and keys. The mail settings are declared here, once, so that both subclasses (each carrying
 * {@code @TestApplication}) share one cached context.
 */
abstract class CreditRequestContext {

    /**
     * Started before the application context, which reads its port. Stopped when the JVM ends rather than after a
     * class: the context is cached and shared by both subclasses, and each sends mail to this port.
     */
    static final GreenMail SMTP = new GreenMail(ServerSetupTest.SMTP.dynamicPort());

    static {
        SMTP.start();
        Runtime.getRuntime().addShutdownHook(new Thread(SMTP::stop, "greenmail-stop"));
    }

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> SMTP.getSmtp().getPort());
        registry.add("aicredits.public-base-url", () -> "https://credits.example.com");
    }

    @LocalServerPort int port;

    @BeforeEach
    void clearMail() throws Exception {
        SMTP.purgeEmailFromAllMailboxes();
    }

    static Map<String, String> key() {
        return Map.of("Idempotency-Key", UUID.randomUUID().toString());
    }

    static Map<String, Object> body(Object... pairs) {
        var map = new HashMap<String, Object>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** The messages that arrived for {@code address}, waiting up to 10 s for at least {@code count}. */
    static List<MimeMessage> mailTo(String address, int count) throws Exception {
        long until = System.currentTimeMillis() + 10_000;
        List<MimeMessage> found;
        do {
            found = Arrays.stream(SMTP.getReceivedMessages()).filter(m -> recipients(m).contains(address)).toList();
            if (found.size() >= count) {
                return found;
            }
            Thread.sleep(50);
        } while (System.currentTimeMillis() < until);
        return found;
    }

    /** The message's text, decoded (the sign-off's dash makes it quoted-printable on the wire). */
    static String text(MimeMessage message) {
        try {
            return message.getContent().toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String recipients(MimeMessage message) {
        try {
            return Arrays.toString(message.getRecipients(Message.RecipientType.TO));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package com.aicredits.shared;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A receiver that fails on one message is not a lost connection: the messages after it are still delivered, and the
 * channel does not reconnect (which tells every live page to refresh everything). Seen in CI: a page that closed
 * while a keep-alive was sent to it made the send throw.
 */
@TestApplication
class PostgresChannelTest {

    @Autowired HikariDataSource dataSource;

    @Test
    void a_receiver_failing_on_one_message_still_gets_the_rest_on_the_same_connection() throws Exception {
        var channel = new PostgresChannel(dataSource, "aicredits_channel_test");
        var heard = new CopyOnWriteArrayList<String>();
        var reconnects = new AtomicInteger();
        var last = new CountDownLatch(1);
        channel.listen(message -> {
            if (message.equals("refused")) {
                throw new IllegalStateException("the receiver cannot take this one");
            }
            heard.add(message);
            if (message.equals("after")) {
                last.countDown();
            }
        }, reconnects::incrementAndGet);
        try {
            await(channel);
            channel.publish(List.of("before", "refused", "after"));
            assertThat(last.await(10, SECONDS)).as("the message after the failing one arrived").isTrue();
            assertThat(heard).containsExactly("before", "after");
            assertThat(reconnects).as("reconnects of the listening connection").hasValue(0);
        } finally {
            channel.close();
        }
    }

    /** Spring stops and starts a context's beans again (its test contexts are paused while unused). */
    @Test
    void a_channel_closed_and_at_once_listened_to_again_delivers_each_message_once() throws Exception {
        var channel = new PostgresChannel(dataSource, "aicredits_channel_again");
        var heard = new CopyOnWriteArrayList<String>();
        channel.listen(heard::add, () -> { });
        try {
            await(channel);
            channel.close();
            channel.listen(heard::add, () -> { });
            Thread.sleep(500); // the closed listener has stopped by now, or goes on beside the new one
            // Published until heard (the new listener connects meanwhile), then a second for any copy to arrive.
            for (int n = 0; heard.isEmpty() && n < 100; n++) {
                channel.publish(List.of("message-" + n));
                Thread.sleep(100);
            }
            Thread.sleep(1000);
            assertThat(heard).as("messages heard").isNotEmpty().doesNotHaveDuplicates();
        } finally {
            channel.close();
        }
    }

    /** Listening has begun once a round trip on the listening connection has come back. */
    private static void await(PostgresChannel channel) throws InterruptedException {
        for (int i = 0; i < 100 && !channel.caughtUpWithin(Duration.ofSeconds(1)); i++) {
            Thread.sleep(100);
        }
        assertThat(channel.caughtUpWithin(Duration.ofSeconds(1))).as("the channel listens").isTrue();
    }
}

package com.aicredits.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.shared.TenantId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.RepeatedTest;

class PendingChangesTest {

    /** Four threads note changes for two tenants while the flush takes them as fast as it can. */
    @RepeatedTest(5)
    void every_change_noted_while_the_flush_takes_is_taken_once_it_is_noted() throws Exception {
        var pending = new PendingChanges();
        var tenants = List.of(new TenantId(UUID.randomUUID()), new TenantId(UUID.randomUUID()));
        int perThread = 50_000;
        var start = new CountDownLatch(1);
        var noting = new AtomicBoolean(true);
        var threads = IntStream.range(0, 4).mapToObj(t -> Thread.ofPlatform().start(() -> {
            awaitQuietly(start);
            for (int i = 0; i < perThread; i++) {
                pending.note(tenants.get(i % 2), t + ":" + i);
            }
        })).toList();
        var taken = new HashSet<String>();
        var flush = Thread.ofPlatform().start(() -> {
            awaitQuietly(start);
            while (noting.get()) {
                pending.takeAll().forEach(entry -> entry.getValue().forEach(what -> taken.add(entry.getKey() + what)));
            }
        });
        start.countDown();
        for (var thread : threads) {
            thread.join();
        }
        noting.set(false);
        flush.join();
        pending.takeAll().forEach(entry -> entry.getValue().forEach(what -> taken.add(entry.getKey() + what)));

        Set<String> noted = new HashSet<>();
        for (int t = 0; t < 4; t++) {
            for (int i = 0; i < perThread; i++) {
                noted.add(tenants.get(i % 2) + (t + ":" + i));
            }
        }
        assertThat(taken).hasSameSizeAs(noted).isEqualTo(noted);
        assertThat(pending.takeAll()).isEmpty();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

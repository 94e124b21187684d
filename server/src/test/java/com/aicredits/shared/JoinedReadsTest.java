package com.aicredits.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JoinedReadsTest {

    final JoinedReads<String, Integer> reads = new JoinedReads<>();
    final ExecutorService threads = Executors.newCachedThreadPool();
    final AtomicInteger computations = new AtomicInteger();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /** A computation that counts itself, answers its number, and first waits for {@code release}. */
    Supplier<Integer> computation(CountDownLatch started, CountDownLatch release) {
        return () -> {
            int number = computations.incrementAndGet();
            started.countDown();
            await(release);
            return number;
        };
    }

    @Test
    void readers_arriving_while_a_computation_runs_share_the_next_one_never_the_running_one() throws Exception {
        var firstStarted = new CountDownLatch(1);
        var releaseFirst = new CountDownLatch(1);
        Future<Integer> first = threads.submit(() -> reads.read("tenant", computation(firstStarted, releaseFirst)));
        await(firstStarted);

        var laterStarted = new CountDownLatch(1);
        var releaseLater = new CountDownLatch(1);
        List<Future<Integer>> later = waitingReaders(5, computation(laterStarted, releaseLater));
        assertThat(computations).as("nothing starts while the first runs").hasValue(1);

        releaseFirst.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(laterStarted.await(5, TimeUnit.SECONDS)).isTrue();
        releaseLater.countDown();
        for (var answer : later) {
            assertThat(answer.get(5, TimeUnit.SECONDS)).as("computed after the reader arrived").isEqualTo(2);
        }
        assertThat(computations).as("five readers, one computation").hasValue(2);
        assertThat(reads.busyKeys()).isZero();
    }

    @Test
    void reads_of_different_keys_do_not_wait_for_each_other() throws Exception {
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Future<Integer> held = threads.submit(() -> reads.read("tenant A", computation(started, release)));
        await(started);

        assertThat(reads.read("tenant B", computations::incrementAndGet)).isEqualTo(2);
        release.countDown();
        assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void a_failed_computation_fails_the_reads_that_shared_it_and_the_next_read_computes_again() throws Exception {
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Future<Integer> first = threads.submit(() -> reads.read("tenant", computation(started, release)));
        await(started);
        List<Future<Integer>> failing = waitingReaders(3, () -> {
            computations.incrementAndGet();
            throw new IllegalStateException("database gone");
        });
        release.countDown();
        first.get(5, TimeUnit.SECONDS);
        for (var answer : failing) {
            assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage("database gone");
        }
        assertThat(computations).as("the three shared one failing computation").hasValue(2);

        assertThat(reads.read("tenant", computations::incrementAndGet)).isEqualTo(3);
        assertThat(reads.busyKeys()).isZero();
    }

    @Test
    void a_read_alone_computes_at_once_and_leaves_nothing_behind() {
        assertThat(reads.read("tenant", () -> 42)).isEqualTo(42);
        assertThat(reads.read("tenant", () -> 43)).as("nothing is kept between reads").isEqualTo(43);
        assertThat(reads.busyKeys()).isZero();
    }

    /** Readers of "tenant" started on threads of their own, returned once each is parked waiting for its answer. */
    List<Future<Integer>> waitingReaders(int count, Supplier<Integer> computation) throws InterruptedException {
        List<Future<Integer>> answers = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var answer = new FutureTask<>(() -> reads.read("tenant", computation));
            answers.add(answer);
            readers.add(Thread.ofPlatform().daemon().start(answer));
        }
        for (var reader : readers) {
            while (reader.getState() != Thread.State.WAITING) {
                Thread.sleep(5);
            }
        }
        return answers;
    }

    static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

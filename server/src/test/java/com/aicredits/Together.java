package com.aicredits;

import static java.util.concurrent.TimeUnit.SECONDS;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Runs calls at the same moment, for the tests of races: every thread waits at a start gate until all are
 * there, then all are released at once. Results come back in task order.
 */
public final class Together {

    private Together() {
    }

    /** Runs {@code task(0..threads-1)} on as many new threads. */
    public static <T> List<T> run(int threads, IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            return run(pool, threads, task);
        } finally {
            pool.shutdownNow();
            if (!pool.awaitTermination(30, SECONDS)) {
                throw new IllegalStateException("worker threads did not stop");
            }
        }
    }

    /** Runs {@code task(0..threads-1)} on {@code pool}, which must have at least {@code threads} threads. */
    public static <T> List<T> run(ExecutorService pool, int threads, IntFunction<T> task) throws Exception {
        var ready = new CountDownLatch(threads);
        var go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int n = i;
            futures.add(pool.submit(() -> {
                ready.countDown();
                if (!go.await(30, SECONDS)) {
                    throw new IllegalStateException("the start gate never opened");
                }
                return task.apply(n);
            }));
        }
        try {
            if (!ready.await(30, SECONDS)) {
                throw new IllegalStateException("not all " + threads + " threads reached the start gate");
            }
        } finally {
            go.countDown();
        }
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get(120, SECONDS));
        }
        return results;
    }
}

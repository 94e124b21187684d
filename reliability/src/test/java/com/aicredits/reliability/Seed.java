package com.aicredits.reliability;

import java.util.Random;
import java.util.SplittableRandom;

/**
 * The one source of every random choice in a fault test (operations, amounts, when to strike), so a failure
 * replays with {@code -Dfaults.seed=N}. Thread timing still varies between runs; the choices do not.
 */
final class Seed {

    private final long value;

    private Seed(long value) {
        this.value = value;
    }

    /** The seed given with {@code -Dfaults.seed}, or a fresh one; printed either way. */
    static Seed forTest(String test) {
        String given = System.getProperty("faults.seed", "").strip();
        long value = given.isEmpty() ? new Random().nextLong() : Long.parseLong(given);
        System.out.printf("[%s] seed %d (replay with -Dfaults.seed=%d)%n", test, value, value);
        return new Seed(value);
    }

    long value() {
        return value;
    }

    /** An independent stream per purpose (a worker, the fault injector), all derived from the one seed. */
    Random stream(int purpose) {
        return new Random(new SplittableRandom(value).split().nextLong() ^ (0x9E3779B97F4A7C15L * (purpose + 1)));
    }
}

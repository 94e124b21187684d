package com.aicredits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Every random choice of a generated test, drawn from one seed, so that the seed a failure prints is enough
 * to make the same choices again. A plain {@link SplittableRandom} with the few shapes of choice the
 * generators need: a number in a range, one of some values, a weighted pick, a list, a string.
 *
 * <p>Replaces jqwik (whose maintainer asks AI-assisted projects not to use it since 1.10). What it does
 * not do is shrink: a test that needs a small counterexample shrinks its own symbolic steps.
 */
public final class RandomChoices {

    /** Printable ASCII and the Latin-1 letters: what a careless client puts in a header. */
    public static final String HEADER_CHARS = chars(' ', '~') + chars('\u00a0', '\u00ff');

    private static final String ALPHANUMERIC = chars('a', 'z') + chars('A', 'Z') + chars('0', '9');

    private final SplittableRandom random;

    public RandomChoices(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A seed for one try, drawn from a run's seed: each try can be replayed alone from its own seed. */
    public long nextSeed() {
        return random.nextLong();
    }

    /** Between {@code min} and {@code max}, both included. */
    public int between(int min, int max) {
        return random.nextInt(min, max + 1);
    }

    /** Between {@code min} and {@code max}, both included. */
    public long between(long min, long max) {
        return random.nextLong(min, max + 1);
    }

    /** Any long; a third of the time a small one or an edge (0, ±1, the extremes), which matter more. */
    public long anyLong() {
        return switch (random.nextInt(6)) {
            case 0 -> oneOf(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, (long) Integer.MAX_VALUE + 1);
            case 1 -> random.nextLong(-1_000, 1_001);
            default -> random.nextLong();
        };
    }

    public boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    @SafeVarargs
    public final <T> T oneOf(T... values) {
        return values[random.nextInt(values.length)];
    }

    public <T> T oneOf(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** One weighted alternative, e.g. {@code weighted(w(6, () -> small()), w(1, () -> ZERO))}. */
    @SafeVarargs
    public final <T> T weighted(Weighted<? extends T>... alternatives) {
        return weighted(Arrays.asList(alternatives));
    }

    public <T> T weighted(List<? extends Weighted<? extends T>> alternatives) {
        int total = alternatives.stream().mapToInt(Weighted::weight).sum();
        int pick = random.nextInt(total);
        for (var alternative : alternatives) {
            pick -= alternative.weight();
            if (pick < 0) {
                return alternative.choice().get();
            }
        }
        throw new AssertionError("weights add up to " + total);
    }

    /** A weight and what to draw when it is picked. */
    public record Weighted<T>(int weight, Supplier<T> choice) {
        public Weighted {
            if (weight <= 0) {
                throw new IllegalArgumentException("a weight must be positive: " + weight);
            }
        }
    }

    public static <T> Weighted<T> w(int weight, Supplier<T> choice) {
        return new Weighted<>(weight, choice);
    }

    public <T> List<T> listOf(int min, int max, Supplier<T> element) {
        int size = between(min, max);
        var list = new ArrayList<T>(size);
        for (int i = 0; i < size; i++) {
            list.add(element.get());
        }
        return list;
    }

    /** Characters drawn from {@code alphabet}. */
    public String string(int min, int max, String alphabet) {
        int length = between(min, max);
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    public String alphanumeric(int min, int max) {
        return string(min, max, ALPHANUMERIC);
    }

    /**
     * Any UTF-16 chars at all: control characters, NUL, lone surrogates, right-to-left marks, astral pairs.
     * Half of them from the first 256 code points, where the parsers' special characters are.
     */
    public String anyChars(int min, int max) {
        int length = between(min, max);
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) (random.nextBoolean() ? random.nextInt(0x100) : random.nextInt(0x10000)));
        }
        return text.toString();
    }

    public byte[] bytes(int min, int max) {
        var bytes = new byte[between(min, max)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String chars(char first, char last) {
        var text = new StringBuilder();
        for (char c = first; c <= last; c++) {
            text.append(c);
        }
        return text.toString();
    }
}

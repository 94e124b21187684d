package com.aicredits.shared;

import java.util.function.Function;

/**
 * What an operation did: {@link Done} with its value, or {@link Refused} with the reason it changed nothing.
 * Every module's operations return one, so a caller handles refusals the same way everywhere and the
 * compiler checks that both cases are handled.
 */
public sealed interface Outcome<T> permits Outcome.Done, Refused {

    record Done<T>(T value) implements Outcome<T> {
    }

    static <T> Outcome<T> done(T value) {
        return new Done<>(value);
    }

    /** The value of a done outcome transformed; a refusal passes through unchanged. */
    default <U> Outcome<U> map(Function<? super T, ? extends U> f) {
        return switch (this) {
            case Done<T>(T value) -> new Done<>(f.apply(value));
            case Refused<T> refused -> refused.as();
        };
    }

    /** The value of a done outcome; for callers that expect no refusal (set-up code), a refusal is a bug and throws. */
    default T orElseThrow() {
        return switch (this) {
            case Done<T>(T value) -> value;
            case Refused<T> refused -> throw new IllegalStateException(refused.reason() + ": " + refused.message());
        };
    }
}

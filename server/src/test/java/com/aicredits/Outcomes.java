package com.aicredits;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.shared.Outcome;
import java.util.List;

/** Reading outcomes that tests collect as plain objects (the results of different calls run together). */
public final class Outcomes {

    private Outcomes() {
    }

    /** The value of an outcome that must be done with a {@code type}; fails the test otherwise. */
    public static <T> T doneValue(Object outcome, Class<T> type) {
        assertThat(outcome).isInstanceOf(Outcome.Done.class);
        Object value = ((Outcome.Done<?>) outcome).value();
        assertThat(value).isInstanceOf(type);
        return type.cast(value);
    }

    /** The values of those outcomes that are done with a {@code type}, in order; refusals and other values are skipped. */
    public static <T> List<T> doneValues(List<?> outcomes, Class<T> type) {
        return outcomes.stream()
                .filter(o -> o instanceof Outcome.Done<?>(Object value) && type.isInstance(value))
                .map(o -> type.cast(((Outcome.Done<?>) o).value())).toList();
    }
}

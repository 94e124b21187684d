package com.aicredits.reliability;

import java.util.ArrayList;
import java.util.List;

/** The problems the ledger checks found, in the order found; past the first 30 only "…" is added, once. */
final class Problems {

    static final int SHOWN_MAX = 30;

    private final List<String> found = new ArrayList<>();

    void add(String format, Object... args) {
        if (found.size() < SHOWN_MAX) {
            found.add(format.formatted(args));
        } else if (found.size() == SHOWN_MAX) {
            found.add("…");
        }
    }

    /** Adds one problem as it is, whether or not the first 30 have been found already. */
    void addUncapped(String problem) {
        found.add(problem);
    }

    List<String> found() {
        return List.copyOf(found);
    }
}

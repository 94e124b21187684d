package com.aicredits.ledger;

import com.aicredits.directory.Role;
import java.util.Arrays;
import java.util.Optional;

/**
 * What the admin's table asks for: optional search text (name or email), role and state filters, one sort
 * column, and a zero-based page.
 */
public record RowQuery(String search, Role role, UserState state, SortBy sortBy, boolean descending, int page,
        int size) {

    public static final int MAX_PAGE_SIZE = 200;

    public static RowQuery firstPage() {
        return new RowQuery(null, null, null, SortBy.NAME, false, 0, 50);
    }

    public RowQuery {
        if (sortBy == null) {
            sortBy = SortBy.NAME;
        }
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page >= 0 and 1 <= size <= " + MAX_PAGE_SIZE);
        }
    }

    /** States an admin filters on. */
    public enum UserState {
        /** Something left, but at most 20 % of what was assigned. */
        LOW,
        /** Nothing left to start a request with: remaining at or below zero (over-consumed users included). */
        EXHAUSTED,
        /** Over-consumed: remaining below zero. */
        NEGATIVE,
        /** Runs out within 7 days at the pace of the last 14 (see {@link Runway}); API and UI name it runs_out_soon. */
        RUNS_OUT_SOON
    }

    /** A sortable column, under the key the API's {@code sort} parameter and the UI's links use. */
    public enum SortBy {
        NAME("name"), EMAIL("email"), ROLE("role"), ASSIGNED("assigned"), CONSUMED("consumed"),
        REMAINING("remaining"), USED_PERCENT("usedPercent"), RUNS_OUT_ON("runsOutOn");

        private final String key;

        SortBy(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    // ------------------------------------------------------------------ the one parser of the table's parameters
    //
    // The API and the UI read the same parameters (q, role, state, sort) with these: the API refuses what does
    // not parse, the UI falls back to the default for it. Each returns empty for text it does not recognise.

    public static final int SEARCH_LENGTH_MAX = 200;

    /** Days within which a {@link UserState#RUNS_OUT_SOON} user runs out. */
    public static final int RUNS_OUT_SOON_DAYS = 7;

    /** {@code low}, {@code exhausted}, {@code negative} or {@code runs_out_soon}, in any case. */
    public static Optional<UserState> state(String text) {
        return text == null ? Optional.empty()
                : Arrays.stream(UserState.values()).filter(s -> s.name().equalsIgnoreCase(text.strip())).findFirst();
    }

    /** A column and a direction: {@code remaining}, {@code remaining,desc} or {@code remaining,asc}. */
    public record Sort(SortBy by, boolean descending) {

        public static final Sort DEFAULT = new Sort(SortBy.NAME, false);

        public static Optional<Sort> parse(String text) {
            if (text == null) {
                return Optional.empty();
            }
            String[] parts = text.split(",", 2);
            var column = Arrays.stream(SortBy.values()).filter(c -> c.key().equals(parts[0].strip())).findFirst();
            if (column.isEmpty() || parts.length == 2 && !parts[1].strip().matches("(?i)asc|desc")) {
                return Optional.empty();
            }
            return Optional.of(new Sort(column.get(), parts.length == 2 && parts[1].strip().equalsIgnoreCase("desc")));
        }

        public String param() {
            return by.key() + (descending ? ",desc" : "");
        }

        /** What the refusal of a sort that does not parse says. */
        public static String expected() {
            return "sort is one of " + Arrays.stream(SortBy.values()).map(SortBy::key).toList()
                    + ", optionally followed by ,asc or ,desc";
        }
    }
}

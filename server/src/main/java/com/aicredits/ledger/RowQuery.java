package com.aicredits.ledger;

import com.aicredits.directory.Role;

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
        NEGATIVE
    }

    public enum SortBy {
        NAME, EMAIL, ROLE, ASSIGNED, CONSUMED, REMAINING, USED_PERCENT
    }
}

package com.aicredits.ledger;

import java.util.List;

/** One page of a longer list; {@code total} counts every match, not just this page. */
public record Page<T>(List<T> items, int page, int size, long total) {
}

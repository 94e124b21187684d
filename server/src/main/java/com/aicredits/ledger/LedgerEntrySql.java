package com.aicredits.ledger;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The INSERT into {@code ledger_entries} of the operations written in Java (purchase, the allocations, batches of
 * charges): each describes its entry as SQL expressions over its own statement's rows or parameters, and this writes
 * the column list, so a new column or a new operation changes one place. Authorize, charge, settle, void and the
 * hold sweeper's expiry write theirs in their functions (V30__admission_functions.sql): a new column changes those too.
 * Columns left out take the table's defaults: 0 for the deltas, null otherwise. The order of a user's entries is
 * user_seq, of the pool's pool_seq (V29), each taken from the counter on the account or pool row, advanced under that
 * row's lock in the entry's own transaction; never the id, which on Citus comes from whichever node wrote the entry.
 */
final class LedgerEntrySql {

    private static final List<String> COLUMNS = List.of("tenant_id", "user_id", "user_seq", "pool_seq", "type", "credits",
            "purchased_delta", "assigned_delta", "consumed_delta", "held_delta", "remaining_before", "remaining_after",
            "held_after", "unassigned_before", "unassigned_after", "note", "actor", "reference", "feature", "request_id",
            "idempotency_key", "at", "opens_allocation");

    private static final List<String> REQUIRED = List.of("tenant_id", "type", "credits", "actor", "at");

    private LedgerEntrySql() {
    }

    /**
     * {@code insert into ledger_entries (…) select … <from>}, or {@code … values (…)} when {@code from} is "" (parameters
     * alone). {@code entry} has a line "column = expression" per column set; {@code from} is the rest of the SELECT.
     * Statements are built once, as constants, so a misspelt column fails at start-up, not on a request.
     */
    static String insert(String entry, String from) {
        Map<String, String> values = entry.lines().filter(line -> !line.isBlank())
                .map(line -> line.split(" = ", 2))
                .collect(Collectors.toMap(pair -> pair[0].strip(), pair -> pair[1].strip()));
        var unknown = values.keySet().stream().filter(c -> !COLUMNS.contains(c)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("ledger_entries has no column " + unknown);
        }
        var missing = REQUIRED.stream().filter(c -> !values.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("a ledger entry needs " + missing);
        }
        if (values.containsKey("user_id") != values.containsKey("user_seq")
                || values.containsKey("unassigned_after") != values.containsKey("pool_seq")) {
            throw new IllegalArgumentException("an entry of a user takes its place in the user's chain (user_seq), "
                    + "an entry that moves the pool its place in the pool's (pool_seq)");
        }
        var columns = COLUMNS.stream().filter(values::containsKey).toList();
        String list = columns.stream().map(values::get).collect(Collectors.joining(", "));
        return "insert into ledger_entries (" + String.join(", ", columns) + ")\n    "
                + (from.isBlank() ? "values (" + list + ")" : "select " + list + "\n      " + from);
    }
}

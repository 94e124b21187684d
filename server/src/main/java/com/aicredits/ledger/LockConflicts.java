package com.aicredits.ledger;

import java.util.function.Supplier;
import org.springframework.dao.PessimisticLockingFailureException;

/**
 * A transaction that PostgreSQL rolls back to break a deadlock, or that loses a lock race it cannot win by waiting,
 * applied nothing, so running it again is safe; after three tries the failure goes to the caller (the API answers it
 * with 503). Transactions over many users take their accounts in order, and the running totals no longer make a
 * writer wait (V32__totals_without_waits.sql), so this is rare: it takes a lock order the service does not control,
 * such as an operator's transaction, or 128 transactions of one tenant holding all its totals' slots at once.
 */
final class LockConflicts {

    static final int ATTEMPTS = 3;

    private LockConflicts() {
    }

    static <T> T retried(Supplier<T> transaction) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction.get();
            } catch (PessimisticLockingFailureException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}

package com.aicredits.ledger;

import java.util.function.Supplier;
import org.springframework.dao.PessimisticLockingFailureException;

/**
 * Transactions that change many users at once (allowance grants, bulk changes) take their accounts in order, but the
 * running totals' slots (V4) are taken by triggers as each account changes, in no order: two such transactions, or
 * one and a batch of charges, or one and a single charge (its account first, then its slot), can deadlock, and
 * PostgreSQL then rolls one back whole. Running it again is safe for exactly that reason; after three tries the
 * failure goes to the caller (the API answers it with 503).
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

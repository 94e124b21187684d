package com.aicredits.shared;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Whether a failure is the database out of reach (stopped, failing over, no connection to be had in time) rather than
 * a refusal of what was asked: the work may be tried again as it was once the database is back. A transaction that
 * cannot begin, or whose commit or rollback fails with its connection, is the same failure seen by the transaction
 * manager (a failed rollback even hides the original I/O error). The API answers these with 503 UNAVAILABLE.
 */
public final class DatabaseAway {

    private DatabaseAway() {
    }

    public static boolean explains(Throwable failure) {
        // CannotGetJdbcConnectionException is a DataAccessResourceFailureException.
        return failure instanceof DataAccessResourceFailureException
                || failure instanceof TransientDataAccessResourceException
                || failure instanceof QueryTimeoutException
                || failure instanceof CannotCreateTransactionException
                || failure instanceof TransactionSystemException;
    }
}

package com.aicredits.ledger;

import com.aicredits.ledger.AllocationStore.Account;
import com.aicredits.ledger.AllocationStore.Pool;

/** What one allocation step did inside its transaction: the account and pool it changed, or why it changed nothing. */
sealed interface Moved permits Moved.Change, Refused {

    record Change(Account account, Pool poolBefore, Pool poolAfter) implements Moved {
    }
}

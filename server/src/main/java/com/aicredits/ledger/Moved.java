package com.aicredits.ledger;

import com.aicredits.ledger.AllocationStore.Account;
import com.aicredits.ledger.AllocationStore.Pool;

/** What one allocation step did inside its transaction: the account and pool it changed. */
record Moved(Account account, Pool poolBefore, Pool poolAfter) {
}

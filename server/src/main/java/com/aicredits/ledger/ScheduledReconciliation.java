package com.aicredits.ledger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Reconciles the whole ledger now and then, so drift is noticed (an ERROR per drift in the log, the
 * {@code aicredits.reconciliation.drifts} gauge above zero) without anyone asking. It only reads; every
 * check is one statement and so sees one consistent snapshot, which is why it finds no false drift while
 * traffic goes on. Each instance runs it; with many instances a longer interval keeps the load down.
 */
@Component
@ConditionalOnProperty(name = "aicredits.ledger.reconciliation.enabled", matchIfMissing = true)
class ScheduledReconciliation {

    private static final Logger log = LoggerFactory.getLogger(ScheduledReconciliation.class);

    private final Ledger ledger;

    ScheduledReconciliation(Ledger ledger) {
        this.ledger = ledger;
    }

    @Scheduled(fixedDelayString = "${aicredits.ledger.reconciliation.interval:10m}",
            initialDelayString = "${aicredits.ledger.reconciliation.initial-delay:1m}")
    void reconcile() {
        try {
            var result = ledger.reconcile();
            if (result.isClean()) {
                log.debug("reconciled {} pools and {} accounts: no drift", result.poolsChecked(), result.accountsChecked());
            }
        } catch (DataAccessException e) {
            // The database is away; the gauge keeps the last result and the next run tries again.
            log.warn("reconciliation skipped: {}", e.getMessage());
        }
    }
}

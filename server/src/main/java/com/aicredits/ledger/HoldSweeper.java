package com.aicredits.ledger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Releases holds that outlived their time-to-live. Safe to run on every instance at once: each hold is
 * claimed with SKIP LOCKED and released exactly once.
 */
@Component
@ConditionalOnProperty(name = "aicredits.ledger.sweeper.enabled", matchIfMissing = true)
class HoldSweeper {

    private static final Logger log = LoggerFactory.getLogger(HoldSweeper.class);

    private final Ledger ledger;

    HoldSweeper(Ledger ledger) {
        this.ledger = ledger;
    }

    @Scheduled(fixedDelayString = "${aicredits.ledger.sweeper.interval:5s}", initialDelayString = "${aicredits.ledger.sweeper.interval:5s}")
    void sweep() {
        try {
            ledger.expireHolds();
        } catch (DataAccessException e) {
            // The database is away (restarting, failing over); the next round picks up where this one stopped.
            log.warn("Hold sweep skipped: {}", e.getMessage());
        }
    }
}

package com.aicredits.ledger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Releases holds that outlived their time-to-live, then reclaims what deactivated users' finished requests gave
 * back ({@link DeactivationReclaim#reclaimLeftovers()}). Safe to run on every instance at once: each hold is
 * claimed with SKIP LOCKED and released exactly once, and each reclaim reads the removable credits under the
 * account's lock.
 */
@Component
@ConditionalOnProperty(name = "aicredits.ledger.sweeper.enabled", matchIfMissing = true)
class HoldSweeper {

    private static final Logger log = LoggerFactory.getLogger(HoldSweeper.class);

    private final Ledger ledger;
    private final DeactivationReclaim reclaim;

    HoldSweeper(Ledger ledger, DeactivationReclaim reclaim) {
        this.ledger = ledger;
        this.reclaim = reclaim;
    }

    @Scheduled(fixedDelayString = "${aicredits.ledger.sweeper.interval:5s}", initialDelayString = "${aicredits.ledger.sweeper.interval:5s}")
    void sweep() {
        try {
            ledger.expireHolds();
            reclaim.reclaimLeftovers();
        } catch (DataAccessException e) {
            // The database is away (restarting, failing over); the next round picks up where this one stopped.
            log.warn("Hold sweep skipped: {}", e.getMessage());
        }
    }
}

package com.aicredits.ledger;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Releases holds that outlived their time-to-live. Safe to run on every instance at once: each hold is
 * claimed with SKIP LOCKED and released exactly once.
 */
@Component
@ConditionalOnProperty(name = "aicredits.ledger.sweeper.enabled", matchIfMissing = true)
class HoldSweeper {

    private final Ledger ledger;

    HoldSweeper(Ledger ledger) {
        this.ledger = ledger;
    }

    @Scheduled(fixedDelayString = "${aicredits.ledger.sweeper.interval:5s}", initialDelayString = "${aicredits.ledger.sweeper.interval:5s}")
    void sweep() {
        ledger.expireHolds();
    }
}

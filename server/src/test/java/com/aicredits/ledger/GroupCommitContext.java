package com.aicredits.ledger;

import com.aicredits.directory.Directory;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What the group commit tests share ({@link GroupCommitTest}, {@link GroupCommitPathsTest}). Tests that must be sure
 * charges were gathered use a gatherer of their own with one group in flight and a long gathering wait, and their
 * own meter registry to count the groups. Subclasses carry {@code @TestApplication}.
 */
abstract class GroupCommitContext {

    static final Actor ACTOR = LedgerFixture.FEATURE;

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired Consumption consumption;
    @Autowired ChargeBatches batches;
    @Autowired RequestStore requests;

    final SimpleMeterRegistry ownRegistry = new SimpleMeterRegistry();

    /** A gatherer of this test's settings, recording its groups in {@link #ownRegistry}. */
    ChargeGatherer gatherer(int inFlight, Duration maxWait, int maxItems) {
        return new ChargeGatherer(new GroupCommitSettings(true, maxItems, maxWait, inFlight), consumption, batches,
                new LedgerMetrics(ownRegistry, requests));
    }

    static DistributionSummary groups(MeterRegistry in) {
        return in.get("aicredits.charges.group.size").summary();
    }

    static Credits cost(long credits) {
        return Credits.of(credits);
    }

    static String shown(Outcome<Settled> outcome) {
        return switch (outcome) {
            case Outcome.Done<Settled>(var s) -> "SETTLED " + s.cost() + " " + s.remaining() + (s.replayed() ? " replayed" : "");
            case Refused<Settled> r -> "REFUSED " + r.reason();
        };
    }
}

package com.aicredits.ledger;

import com.aicredits.directory.Directory;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;

/**
 * What the group commit tests share ({@link GroupCommitTest}, {@link GroupCommitPathsTest}, {@link HoldGroupCommitTest}). Tests that must be sure
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
    @Autowired AdmissionStore admission;
    @Autowired ApplicationEventPublisher events;
    @Autowired Clock clock;

    final SimpleMeterRegistry ownRegistry = new SimpleMeterRegistry();

    /** A gatherer of this test's settings, recording its groups in {@link #ownRegistry}. */
    ChargeGatherer gatherer(int inFlight, Duration maxWait, int maxItems) {
        return new ChargeGatherer(new GroupCommitSettings(true, maxItems, maxWait, inFlight), consumption, batches,
                new LedgerMetrics(ownRegistry, requests));
    }

    /** Authorizations and settlements gathered by this test's settings, recorded in {@link #ownRegistry}. */
    HoldGatherer holdGatherer(int inFlight, Duration maxWait, int maxItems) {
        return new HoldGatherer(new GroupCommitSettings(true, maxItems, maxWait, inFlight), consumption, admission,
                requests, events, clock, new LedgerMetrics(ownRegistry, requests));
    }

    static DistributionSummary groups(MeterRegistry in) {
        return groups(in, "charges");
    }

    /** The group sizes of charges, authorizations or settlements. */
    static DistributionSummary groups(MeterRegistry in, String calls) {
        return in.get("aicredits." + calls + ".group.size").summary();
    }

    static Credits cost(long credits) {
        return Credits.of(credits);
    }

    static String shown(Outcome<?> outcome) {
        return switch (outcome) {
            case Outcome.Done<?>(Settled s) -> "SETTLED " + s.cost() + " " + s.remaining() + (s.replayed() ? " replayed" : "");
            case Outcome.Done<?>(Authorized a) -> "AUTHORIZED " + a.held() + " " + a.available() + (a.replayed() ? " replayed" : "");
            case Outcome.Done<?>(var other) -> "DONE " + other;
            case Refused<?> r -> "REFUSED " + r.reason();
        };
    }
}

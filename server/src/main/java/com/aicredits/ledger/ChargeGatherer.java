package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import org.springframework.stereotype.Service;

/**
 * Group commit of single charges ({@link GroupCommit}): a group of concurrent {@code POST /consumption/charge} calls
 * of one tenant goes through the batch path ({@link ChargeBatches}), one transaction and a statement per round, where
 * items of one user apply in arrival order.
 */
@Service
class ChargeGatherer {

    private final Consumption consumption;
    private final GroupCommit<ChargeItem, Outcome<Settled>> charges;

    ChargeGatherer(GroupCommitSettings settings, Consumption consumption, ChargeBatches batches, LedgerMetrics metrics) {
        this.consumption = consumption;
        this.charges = new GroupCommit<>(settings, metrics, "charges",
                (tenant, actor, c) -> consumption.charge(tenant, c.requestId(), c.userId(), c.feature(), c.cost(), actor),
                batches::chargeEach);
    }

    Outcome<Settled> charge(TenantId tenant, RequestId request, UserId user, String feature, Credits cost, Actor actor) {
        if (user == null || user.value() == null || Checks.charge(request, feature, cost).isPresent()) {
            // A malformed charge is refused by the single path; in a group it would make the batch refuse them all.
            return consumption.charge(tenant, request, user, feature, cost, actor);
        }
        return charges.submit(tenant, actor, new ChargeItem(request, user, feature, cost));
    }
}

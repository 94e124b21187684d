package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.Together;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Remove racing consumption: removals, charges and authorize/settle/void released at once on one user never
 * take consumed or held credits.
 */
@TestApplication
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RemoveRacingConsumptionTest extends LedgerRaceContext {

    /** What one thread of the removal race did. */
    private record Tally(long removed, int removes, long consumed, int charges, int settles, int voids) {
        Tally plus(Tally o) {
            return new Tally(removed + o.removed, removes + o.removes, consumed + o.consumed, charges + o.charges,
                    settles + o.settles, voids + o.voids);
        }
    }

    @Test
    void removals_racing_consumption_on_one_user_never_take_consumed_or_held_credits() throws Exception {
        tenant("remove versus consume");
        purchase(1000);
        long initial = 300;
        UserId user = assignedUsers(1, initial).getFirst();
        Set<Refusal> consumptionRefusals = Set.of(Refusal.CREDITS_EXHAUSTED, Refusal.TOO_MANY_IN_FLIGHT,
                Refusal.NO_ALLOCATION);
        List<String> violations = Collections.synchronizedList(new ArrayList<>());

        List<Tally> tallies = Together.run(32, t -> {
            var tally = new Tally(0, 0, 0, 0, 0, 0);
            for (int j = 0; j < 15; j++) {
                if (t < 16) { // removers: 3 credits at a time
                    var result = ledger.remove(tenant, user, Credits.of(3), null, ACTOR, null);
                    switch (result) {
                        case Outcome.Done<Allocated>(var a) -> {
                            // Nothing consumed or held was taken: what is left still covers every hold.
                            if (a.row().remaining().minus(a.row().held()).isNegative()) {
                                violations.add("removal left remaining " + a.row().remaining() + " below held "
                                        + a.row().held());
                            }
                            tally = tally.plus(new Tally(Credits.of(3).thousandths(), 1, 0, 0, 0, 0));
                        }
                        case Refused<?> r -> {
                            if (r.reason() != Refusal.EXCEEDS_REMOVABLE && r.reason() != Refusal.NO_ALLOCATION) {
                                violations.add("removal refused with " + r);
                            }
                        }
                    }
                } else if (t < 24) { // chargers: 1 credit per request
                    var result = ledger.charge(tenant, new RequestId("c-" + t + "-" + j), user, FEATURE,
                            Credits.of(1), ACTOR);
                    switch (result) {
                        case Outcome.Done<Settled>(var s) -> {
                            if (s.replayed() || s.remaining().isNegative()) {
                                violations.add("charge returned " + s);
                            }
                            tally = tally.plus(new Tally(0, 0, Credits.of(1).thousandths(), 1, 0, 0));
                        }
                        case Refused<?> r -> {
                            if (!consumptionRefusals.contains(r.reason())) {
                                violations.add("charge refused with " + r);
                            }
                        }
                    }
                } else { // two-phase: hold 2, then settle 1 (or void every third)
                    var request = new RequestId("a-" + t + "-" + j);
                    var result = ledger.authorize(tenant, request, user, FEATURE, Credits.of(2), ACTOR);
                    switch (result) {
                        case Outcome.Done<Authorized>(var a) -> {
                            if (j % 3 == 2) {
                                if (!(ledger.voidRequest(tenant, request, ACTOR) instanceof Outcome.Done<?>(Voided v)) || v.replayed()) {
                                    violations.add("void of " + request + " did not void it");
                                }
                                tally = tally.plus(new Tally(0, 0, 0, 0, 0, 1));
                            } else {
                                var settled = ledger.settle(tenant, request, Credits.of(1), ACTOR);
                                if (!(settled instanceof Outcome.Done<?>(Settled s)) || s.replayed() || s.remaining().isNegative()) {
                                    violations.add("settle of " + request + " returned " + settled);
                                }
                                tally = tally.plus(new Tally(0, 0, Credits.of(1).thousandths(), 0, 1, 0));
                            }
                        }
                        case Refused<?> r -> {
                            if (!consumptionRefusals.contains(r.reason())) {
                                violations.add("authorize refused with " + r);
                            }
                        }
                    }
                }
            }
            return tally;
        });

        assertThat(violations).isEmpty();
        Tally total = tallies.stream().reduce(new Tally(0, 0, 0, 0, 0, 0), Tally::plus);
        // The race really happened: all three kinds of work got through.
        assertThat(total.removes()).isPositive();
        assertThat(total.charges() + total.settles()).isPositive();

        var balance = ledger.balance(tenant, user).orElseThrow();
        assertThat(balance.consumed().thousandths()).isEqualTo(total.consumed());
        assertThat(balance.assigned().thousandths() + total.removed()).isEqualTo(Credits.of(initial).thousandths());
        assertThat(balance.held()).isEqualTo(Credits.ZERO);
        assertThat(balance.remaining().isNegative()).isFalse();
        assertThat(total.removed()).isLessThanOrEqualTo(Credits.of(initial).thousandths() - total.consumed());
        assertThat(ledger.summary(tenant).orElseThrow().creditsUnassigned().thousandths())
                .isEqualTo(Credits.of(1000 - initial).thousandths() + total.removed());
        assertThat(count(user, EntryType.REMOVE)).isEqualTo(total.removes());
        assertThat(count(user, EntryType.CHARGE)).isEqualTo(total.charges());
        assertThat(count(user, EntryType.SETTLE)).isEqualTo(total.settles());
        assertThat(count(user, EntryType.VOID)).isEqualTo(total.voids());
    }
}

package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.UserChange;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import org.junit.jupiter.api.Test;

/** A balance's canStart agrees with authorize: true exactly when authorize admits, for every refusal reason. */
@TestApplication
class CanStartTest extends UserWithCreditsContext {

    @Test
    void can_start_is_true_exactly_when_authorize_admits_for_every_refusal_reason() {
        var fresh = t.user("Fresh");
        assertAgrees(fresh, Refusal.NO_ALLOCATION);

        var spent = t.user("Spent");
        t.assigned(spent, "1");
        t.charged(spent, "1");
        assertAgrees(spent, Refusal.CREDITS_EXHAUSTED);

        var busy = t.user("Busy");
        t.assigned(busy, "10");
        for (int i = 0; i < 4; i++) {
            ledger.authorize(t.tenant, new RequestId("busy-" + i), busy, "canvas", credits("1"), FEATURE);
        }
        assertAgrees(busy, Refusal.TOO_MANY_IN_FLIGHT);

        var gone = t.user("Gone");
        t.assigned(gone, "10");
        directory.change(t.tenant, gone, new UserChange(null, null, false));
        assertAgrees(gone, Refusal.USER_INACTIVE);

        assertAgrees(ada, null);
    }

    /** Reads canStart, then authorizes: the balance must have predicted the decision. */
    private void assertAgrees(UserId user, Refusal expected) {
        boolean canStart = t.balance(user).canStart();
        var decision = ledger.authorize(t.tenant, new RequestId("probe-" + java.util.UUID.randomUUID()), user, "canvas",
                credits("1"), FEATURE);
        if (expected == null) {
            assertThat(canStart).isTrue();
            assertThat(decision).isInstanceOf(Outcome.Done.class);
        } else {
            assertThat(canStart).as("canStart when authorize refuses %s", expected).isFalse();
            assertThat(decision).isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(expected));
        }
    }
}

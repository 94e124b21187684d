package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.shared.Outcome;
import com.aicredits.shared.UserId;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the request tests share ({@link RequestLifecycleTest}, {@link RequestTransitionsTest}, {@link CanStartTest},
 * {@link EndAllocationTest}): a fresh tenant per test with one user, Ada, holding 10 of the 100 credits bought, and
 * short ways to start her requests and let their holds expire. Subclasses carry {@code @TestApplication}.
 */
abstract class UserWithCreditsContext extends LedgerTenantContext {

    static final Duration PAST_THE_HOLD = Duration.ofMinutes(16);
    static final Duration PAST_THE_DEADLINE = Duration.ofHours(24);

    UserId ada;

    /** Runs after {@link LedgerTenantContext#newTenant()}, as JUnit runs a superclass's set-up first. */
    @BeforeEach
    void aUserWithCredits() {
        ada = t.userWithCredits("Ada", "100", "10");
    }

    RequestId authorized(String estimate) {
        var request = new RequestId("r-" + java.util.UUID.randomUUID());
        assertThat(ledger.authorize(t.tenant, request, ada, "canvas", credits(estimate), FEATURE)).isInstanceOf(Outcome.Done.class);
        return request;
    }

    void expireHolds() {
        clock.advance(PAST_THE_HOLD);
        ledger.expireHolds();
    }
}

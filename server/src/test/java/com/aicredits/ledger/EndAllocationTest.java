package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.ADMIN;
import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import org.junit.jupiter.api.Test;

/**
 * Ending an allocation: one below zero can be ended once no running request holds credits, and leaves the table
 * with its history; one with credits left, or none at all, is refused.
 */
@TestApplication
class EndAllocationTest extends UserWithCreditsContext {

    @Test
    void an_allocation_below_zero_can_be_ended_and_leaves_the_table_with_its_history() {
        t.charged(ada, "9");
        var request = authorized("1");
        // nothing removable, but a running request holds the last credit: the allocation stays open
        assertThat(ledger.endAllocation(t.tenant, ada, ADMIN, null))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(Refusal.CREDITS_HELD));
        ledger.settle(t.tenant, request, credits("6"), FEATURE);

        var ended = ledger.endAllocation(t.tenant, ada, ADMIN, "end-1");

        assertThat(ended.orElseThrow()).satisfies(a -> {
            assertThat(a.row().active()).isFalse();
            assertThat(a.row().remaining()).isEqualTo(Credits.of(-5));
        });
        assertThat(ledger.endAllocation(t.tenant, ada, ADMIN, "end-1")).isEqualTo(
                Outcome.done(new Allocated(ended.orElseThrow().row(), true)));
        assertThat(ledger.row(t.tenant, ada).orElseThrow().active()).isFalse();
        assertThat(t.summary().usersWithCredits()).isZero();
        assertThat(ledger.entries(t.tenant, ada, EntryType.END, 0, 10).items()).hasSize(1);
        t.assertReconciles();
    }

    @Test
    void ending_an_allocation_with_credits_left_or_none_at_all_is_refused() {
        assertThat(ledger.endAllocation(t.tenant, ada, ADMIN, null)).isInstanceOfSatisfying(Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(Refusal.EXCEEDS_REMOVABLE);
            assertThat(r.limit()).isEqualTo(Credits.of(10));
        });
        assertThat(ledger.endAllocation(t.tenant, t.user("Nobody"), ADMIN, null))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(Refusal.NO_ALLOCATION));
    }
}

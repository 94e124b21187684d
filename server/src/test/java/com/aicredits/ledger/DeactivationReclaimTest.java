package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.Together;
import com.aicredits.directory.Directory;
import com.aicredits.directory.UserChange;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Deactivating a user (by the Users tab, the API or SCIM: all go through the directory) returns their
 * removable credits, max(0, remaining - held), to the pool as one REMOVE entry by actor directory, in the
 * deactivating transaction. Held credits stay until their request finishes; reactivating gives nothing back.
 */
@TestApplication
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DeactivationReclaimTest {

    @Autowired Ledger ledger;
    @Autowired Directory directory;

    private LedgerFixture t;

    @BeforeEach
    void freshTenant() {
        t = new LedgerFixture(ledger, directory);
    }

    @Test
    void deactivating_returns_exactly_the_removable_credits_and_leaves_the_held_ones() {
        var ada = t.user("Ada");
        t.purchased("100").assigned(ada, "30");
        t.charged(ada, "10");
        assertThat(t.authorize("running", ada, "5")).isInstanceOf(Outcome.Done.class);
        // remaining 20, held 5: removable 15

        deactivate(ada);

        var reclaim = directoryEntries(ada);
        assertThat(reclaim).singleElement().satisfies(entry -> {
            assertThat(entry.type()).isEqualTo(EntryType.REMOVE);
            assertThat(entry.credits()).isEqualTo(Credits.of(15));
            assertThat(entry.remainingBefore()).isEqualTo(Credits.of(20));
            assertThat(entry.remainingAfter()).isEqualTo(Credits.of(5));
            assertThat(entry.heldAfter()).isEqualTo(Credits.of(5));
            assertThat(entry.unassignedAfter()).isEqualTo(Credits.of(85));
        });
        var balance = t.balance(ada);
        assertThat(balance.remaining()).isEqualTo(Credits.of(5));
        assertThat(balance.held()).isEqualTo(Credits.of(5));
        assertThat(balance.canStart()).isFalse();
        assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(85));
        t.assertReconciles();

        // The running request still settles against what it held; nothing more is taken back.
        assertThat(ledger.settle(t.tenant, new RequestId("running"), Credits.of(3), FEATURE)).isInstanceOf(Outcome.Done.class);
        assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(2));
        t.assertReconciles();

        // Reactivation gives nothing back, and deactivating an inactive user again takes nothing twice.
        change(ada, true);
        assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(2));
        assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(85));
        deactivate(ada);
        assertThat(directoryEntries(ada)).as("the second deactivation reclaims the 2 freed since").hasSize(2)
                .first().extracting(Entry::credits).isEqualTo(Credits.of(2));
        t.assertReconciles();
    }

    @Test
    void deactivating_a_user_with_everything_removable_closes_the_allocation() {
        var bob = t.user("Bob");
        t.purchased("50").assigned(bob, "50");

        deactivate(bob);

        assertThat(directoryEntries(bob)).singleElement().extracting(Entry::credits).isEqualTo(Credits.of(50));
        assertThat(t.balance(bob).active()).as("remaining reached zero").isFalse();
        assertThat(ledger.row(t.tenant, bob).orElseThrow().userActive()).isFalse();
        assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(50));
        t.assertReconciles();
    }

    @Test
    void nothing_removable_or_no_allocation_writes_no_entry() {
        var cy = t.user("Cy");
        var dee = t.user("Dee");
        t.purchased("20").assigned(cy, "5");
        t.charged(cy, "5"); // remaining 0: nothing to take back, and the allocation stays until ended

        deactivate(cy);
        deactivate(dee);

        assertThat(directoryEntries(cy)).isEmpty();
        assertThat(directoryEntries(dee)).isEmpty();
        assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(15));
        t.assertReconciles();
    }

    @Test
    void a_deactivation_racing_authorizations_takes_back_what_is_removable_when_it_runs_and_nothing_twice()
            throws Exception {
        var eve = t.user("Eve");
        t.purchased("1000").assigned(eve, "100");

        List<Outcome<?>> results = Together.run(9, i -> i == 0
                ? directory.change(t.tenant, eve, new UserChange(null, null, false))
                : ledger.authorize(t.tenant, new RequestId("race-" + i), eve, "canvas", Credits.of(3), FEATURE));

        assertThat(results.getFirst()).isInstanceOf(Outcome.Done.class);
        var reclaim = directoryEntries(eve);
        assertThat(reclaim).singleElement();
        var balance = t.balance(eve);
        // Whatever got in before the deactivation holds 3 each; everything else went back to the pool.
        long admitted = results.stream().skip(1).filter(Outcome.Done.class::isInstance).count();
        assertThat(balance.held()).isEqualTo(Credits.of(3 * admitted));
        assertThat(balance.remaining()).isEqualTo(balance.held());
        assertThat(reclaim.getFirst().credits()).isEqualTo(Credits.of(100 - 3 * admitted));
        assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(900 + 100 - 3 * admitted));
        assertThat(refusedAfterwards(eve)).isEqualTo(Refusal.USER_INACTIVE);
        t.assertReconciles();
    }

    private Refusal refusedAfterwards(UserId user) {
        return ((Refused<?>) t.authorize("after-" + user, user, "1")).reason();
    }

    private void deactivate(UserId user) {
        change(user, false);
    }

    private void change(UserId user, boolean active) {
        assertThat(directory.change(t.tenant, user, new UserChange(null, null, active))).isInstanceOf(Outcome.Done.class);
    }

    /** The user's entries by actor directory, newest first. */
    private List<Entry> directoryEntries(UserId user) {
        return ledger.entries(t.tenant, user, null, 0, 100).items().stream()
                .filter(entry -> entry.actor().equals("directory")).toList();
    }
}

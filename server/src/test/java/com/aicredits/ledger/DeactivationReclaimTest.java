package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.Together;
import com.aicredits.directory.Directory;
import com.aicredits.directory.UserChange;
import com.aicredits.settings.SettingsChange;
import com.aicredits.settings.TenantSettings;
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
 * deactivating transaction. Held credits stay until their request finishes; what it gives back then returns to
 * the pool at the hold sweeper's next round. Reactivating gives nothing back.
 */
@TestApplication
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DeactivationReclaimTest {

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired DeactivationReclaim reclaim;
    @Autowired TenantSettings settings;

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

    @Test
    void what_a_running_request_gives_back_when_it_finishes_returns_to_the_pool_at_the_next_sweep() {
        var ada = t.user("Ada");
        var bob = t.user("Bob");
        t.purchased("100").assigned(ada, "30");
        t.assigned(bob, "20");
        assertThat(t.authorize("ada-running", ada, "5")).isInstanceOf(Outcome.Done.class);
        assertThat(t.authorize("bob-running", bob, "4")).isInstanceOf(Outcome.Done.class);
        deactivate(ada);
        deactivate(bob);
        // reclaimed at deactivation: 25 of Ada's, 16 of Bob's; 5 and 4 held
        assertThat(reclaim.reclaimLeftovers(t.tenant)).as("nothing while the requests run").isEqualTo(Credits.ZERO);

        assertThat(ledger.settle(t.tenant, new RequestId("ada-running"), Credits.of(3), FEATURE)).isInstanceOf(Outcome.Done.class);
        assertThat(ledger.voidRequest(t.tenant, new RequestId("bob-running"), FEATURE)).isInstanceOf(Outcome.Done.class);
        assertThat(t.balance(ada).remaining()).as("the settle itself takes nothing").isEqualTo(Credits.of(2));

        assertThat(reclaim.reclaimLeftovers(t.tenant)).isEqualTo(Credits.of(6));

        assertThat(directoryEntries(ada)).hasSize(2).first().satisfies(entry -> {
            assertThat(entry.type()).isEqualTo(EntryType.REMOVE);
            assertThat(entry.credits()).isEqualTo(Credits.of(2));
            assertThat(entry.remainingAfter()).isEqualTo(Credits.ZERO);
        });
        assertThat(directoryEntries(bob)).hasSize(2).first().extracting(Entry::credits).isEqualTo(Credits.of(4));
        assertThat(t.balance(ada).active()).as("remaining reached zero: the allocation closed").isFalse();
        assertThat(t.balance(bob).active()).isFalse();
        assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(97));
        assertThat(reclaim.reclaimLeftovers(t.tenant)).as("each credit once").isEqualTo(Credits.ZERO);
        t.assertReconciles();
    }

    @Test
    void leftovers_stay_with_a_user_active_again_and_in_a_tenant_that_does_not_reclaim() {
        var cy = t.user("Cy");
        t.purchased("100").assigned(cy, "10");
        assertThat(t.authorize("cy-running", cy, "5")).isInstanceOf(Outcome.Done.class);
        deactivate(cy);
        assertThat(ledger.settle(t.tenant, new RequestId("cy-running"), Credits.of(1), FEATURE)).isInstanceOf(Outcome.Done.class);
        change(cy, true);

        assertThat(reclaim.reclaimLeftovers(t.tenant)).as("reactivated before the sweep").isEqualTo(Credits.ZERO);
        assertThat(t.balance(cy).remaining()).isEqualTo(Credits.of(4));

        var other = new LedgerFixture(ledger, directory);
        assertThat(settings.change(other.tenant, new SettingsChange(null, null, false, null, null)))
                .isInstanceOf(Outcome.Done.class);
        var dee = other.user("Dee");
        other.purchased("100").assigned(dee, "10");
        assertThat(other.authorize("dee-running", dee, "5")).isInstanceOf(Outcome.Done.class);
        assertThat(directory.change(other.tenant, dee, new UserChange(null, null, false))).isInstanceOf(Outcome.Done.class);
        assertThat(ledger.settle(other.tenant, new RequestId("dee-running"), Credits.of(1), FEATURE)).isInstanceOf(Outcome.Done.class);

        assertThat(reclaim.reclaimLeftovers(other.tenant)).isEqualTo(Credits.ZERO);
        reclaim.reclaimLeftovers(); // the sweeper's round over every tenant
        assertThat(other.balance(dee).remaining()).isEqualTo(Credits.of(9));
        assertThat(t.balance(cy).remaining()).isEqualTo(Credits.of(4));
        // Dee's allocation stays open: it counts among the allocations with credits (the API's figure), not
        // among the active users with credits (the card's "N of M active users"); Cy, active again, counts in both.
        assertThat(other.summary().usersWithCredits()).isEqualTo(1);
        assertThat(other.summary().activeUsersWithCredits()).isZero();
        assertThat(other.summary().totalUsers()).isZero();
        assertThat(t.summary().activeUsersWithCredits()).isEqualTo(1);
        t.assertReconciles();
        other.assertReconciles();
    }

    @Test
    void sweeps_on_several_instances_racing_the_settles_reclaim_every_credit_once() throws Exception {
        var eve = t.user("Eve");
        t.purchased("100").assigned(eve, "50");
        for (int i = 0; i < 4; i++) {
            assertThat(t.authorize("eve-" + i, eve, "5")).isInstanceOf(Outcome.Done.class);
        }
        deactivate(eve); // 30 back at once; 20 held by four requests

        // Four settles of 2 each, and four sweepers (as on four instances), all at once.
        List<Object> results = Together.run(8, i -> i < 4
                ? ledger.settle(t.tenant, new RequestId("eve-" + i), Credits.of(2), FEATURE)
                : reclaim.reclaimLeftovers(t.tenant));
        assertThat(results.subList(0, 4)).allMatch(Outcome.Done.class::isInstance);
        reclaim.reclaimLeftovers(t.tenant); // the next round takes what freed after the racing ones looked

        var entries = directoryEntries(eve);
        long reclaimed = entries.stream().mapToLong(entry -> entry.credits().thousandths()).sum();
        assertThat(new Credits(reclaimed)).as("30 at deactivation, then 5 - 2 of each request").isEqualTo(Credits.of(42));
        assertThat(t.balance(eve).remaining()).isEqualTo(Credits.ZERO);
        assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(92));
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

package com.aicredits.ledger;

import static com.aicredits.Outcomes.doneValue;
import static com.aicredits.Outcomes.doneValues;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.Together;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Allocation from one pool under contention: admins assigning and adding at once, repeated assigns to one user,
 * and retries of one purchase, add or end with the same idempotency key.
 */
@TestApplication
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AllocationRaceTest extends LedgerRaceContext {

    @Test
    void sixty_four_admins_assigning_from_one_pool_at_once_hand_out_exactly_what_it_holds() throws Exception {
        tenant("assign race");
        purchase(1000);
        List<UserId> users = users(64);

        List<Outcome<Allocated>> results = Together.run(64,
                i -> ledger.assign(tenant, users.get(i), Credits.of(20), "share " + i, ACTOR, null));

        List<Allocated> allocated = allocated(results);
        List<Refused<?>> refused = refused(results);
        assertThat(allocated).hasSize(50);
        assertThat(allocated).allSatisfy(a -> {
            assertThat(a.replayed()).isFalse();
            assertThat(a.row().assigned()).isEqualTo(Credits.of(20));
            assertThat(a.row().active()).isTrue();
        });
        assertThat(refused).hasSize(14).allSatisfy(r -> {
            assertThat(r.reason()).isEqualTo(Refusal.INSUFFICIENT_UNASSIGNED);
            assertThat(r.limit()).isEqualTo(Credits.ZERO);
        });
        var summary = ledger.summary(tenant).orElseThrow();
        assertThat(summary.creditsUnassigned()).isEqualTo(Credits.ZERO);
        assertThat(summary.usersWithCredits()).isEqualTo(50);
        assertThat(users.stream().map(u -> ledger.balance(tenant, u).orElseThrow().assigned())
                .mapToLong(Credits::thousandths).sum()).isEqualTo(Credits.of(1000).thousandths());
        // The pool never went below zero: each assignment took exactly 20 from what the previous one left.
        List<Entry> assigns = entries(null, EntryType.ASSIGN);
        assertThat(assigns).hasSize(50);
        assertThat(assigns).allSatisfy(e -> {
            assertThat(e.unassignedAfter().isNegative()).isFalse();
            assertThat(e.unassignedBefore().minus(e.unassignedAfter())).isEqualTo(Credits.of(20));
        });
        assertThat(assigns.stream().map(Entry::unassignedAfter).collect(Collectors.toSet()))
                .isEqualTo(LongStream.range(0, 50).mapToObj(k -> Credits.of(20 * k)).collect(Collectors.toSet()));
    }

    @Test
    void sixty_four_admins_adding_to_one_user_at_once_add_exactly_what_the_pool_holds() throws Exception {
        tenant("add race");
        purchase(1000);
        UserId user = users(1).getFirst();
        assertThat(ledger.assign(tenant, user, Credits.of(40), null, ACTOR, null)).isInstanceOf(Outcome.Done.class);

        List<Outcome<Allocated>> results = Together.run(64,
                i -> ledger.add(tenant, user, Credits.of(20), null, ACTOR, null));

        List<Allocated> allocated = allocated(results);
        assertThat(allocated).hasSize(48);
        // Every add saw the one before it: the rows returned step through 60, 80, ... 1000 with no repeats.
        assertThat(allocated.stream().map(a -> a.row().assigned()).collect(Collectors.toSet()))
                .hasSize(48)
                .isEqualTo(LongStream.rangeClosed(3, 50).mapToObj(k -> Credits.of(20 * k)).collect(Collectors.toSet()));
        assertThat(refused(results)).hasSize(16).allSatisfy(r -> {
            assertThat(r.reason()).isEqualTo(Refusal.INSUFFICIENT_UNASSIGNED);
            assertThat(r.limit()).isEqualTo(Credits.ZERO);
        });
        var balance = ledger.balance(tenant, user).orElseThrow();
        assertThat(balance.assigned()).isEqualTo(Credits.of(1000));
        assertThat(balance.remaining()).isEqualTo(Credits.of(1000));
        assertThat(ledger.summary(tenant).orElseThrow().creditsUnassigned()).isEqualTo(Credits.ZERO);
        assertThat(entries(user, EntryType.ADD)).hasSize(48);
    }

    @Test
    void thirty_two_retries_of_one_purchase_with_the_same_idempotency_key_fill_the_pool_once() throws Exception {
        tenant("idempotent purchase race");

        List<Outcome<Purchased>> results = Together.run(32,
                i -> ledger.purchase(tenant, Credits.of(500), "order-42", "renewal", ACTOR, "purchase-once"));

        assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(Outcome.Done.class));
        assertThat(results).filteredOn(r -> !r.orElseThrow().replayed()).hasSize(1);
        assertThat(results.stream().map(r -> r.orElseThrow().purchase().id()).distinct()).hasSize(1);
        var summary = ledger.summary(tenant).orElseThrow();
        assertThat(summary.totalPurchased()).isEqualTo(Credits.of(500));
        assertThat(summary.creditsUnassigned()).isEqualTo(Credits.of(500));
        assertThat(ledger.purchases(tenant)).hasSize(1);
    }

    @Test
    void sixty_four_assigns_to_the_same_user_open_one_allocation_and_refuse_the_rest_as_already_assigned()
            throws Exception {
        tenant("double assign race");
        purchase(1000);
        UserId user = users(1).getFirst();

        List<Outcome<Allocated>> results = Together.run(64,
                i -> ledger.assign(tenant, user, Credits.of(20), null, ACTOR, null));

        assertThat(allocated(results)).hasSize(1);
        assertThat(refused(results)).hasSize(63)
                .allSatisfy(r -> assertThat(r.reason()).isEqualTo(Refusal.ALREADY_ASSIGNED));
        assertThat(ledger.balance(tenant, user).orElseThrow().assigned()).isEqualTo(Credits.of(20));
        assertThat(ledger.summary(tenant).orElseThrow().creditsUnassigned()).isEqualTo(Credits.of(980));
    }

    @Test
    void thirty_two_retries_of_one_add_with_the_same_idempotency_key_add_the_credits_once() throws Exception {
        tenant("idempotent add race");
        purchase(1000);
        UserId user = users(1).getFirst();
        assertThat(ledger.assign(tenant, user, Credits.of(10), null, ACTOR, null)).isInstanceOf(Outcome.Done.class);

        List<Outcome<Allocated>> results = Together.run(32,
                i -> ledger.add(tenant, user, Credits.of(25), "top up", ACTOR, "add-once"));

        List<Allocated> allocated = allocated(results);
        assertThat(allocated).hasSize(32);
        assertThat(allocated).filteredOn(a -> !a.replayed()).hasSize(1);
        assertThat(ledger.balance(tenant, user).orElseThrow().assigned()).isEqualTo(Credits.of(35));
        assertThat(ledger.summary(tenant).orElseThrow().creditsUnassigned()).isEqualTo(Credits.of(965));
        assertThat(entries(user, EntryType.ADD)).hasSize(1);
    }

    /**
     * Ending an allocation is a ledger write like the others: retries of one end with the same idempotency key,
     * racing authorizations and assigns of the same user, end it once, write one END entry, and reconcile.
     */
    @Test
    void thirty_two_retries_of_one_end_racing_authorizations_and_assigns_end_the_allocation_once() throws Exception {
        tenant("end retries");
        purchase(100);
        UserId user = assignedUsers(1, 5).get(0);
        assertThat(ledger.charge(tenant, new RequestId("spend-all"), user, FEATURE, Credits.of(7), ACTOR))
                .isInstanceOf(Outcome.Done.class); // remaining -2: nothing removable, nothing held

        List<Object> results = Together.run(48, i -> switch (i % 3) {
            case 0, 1 -> ledger.endAllocation(tenant, user, ACTOR, "end-once");
            default -> i % 2 == 0
                    ? ledger.authorize(tenant, new RequestId("late-" + i), user, FEATURE, new Credits(1), ACTOR)
                    : ledger.assign(tenant, user, Credits.of(1), null, ACTOR, "reassign-" + i);
        });

        var ends = new ArrayList<Allocated>();
        for (int i = 0; i < results.size(); i++) {
            if (i % 3 != 2) {
                assertThat(results.get(i)).as("end #%d", i).isInstanceOf(Outcome.Done.class);
                ends.add(doneValue(results.get(i), Allocated.class));
            } else {
                assertThat(results.get(i)).as("call #%d", i).isInstanceOfAny(Refused.class, Outcome.Done.class);
            }
        }
        assertThat(ends).filteredOn(e -> !e.replayed()).hasSize(1);
        assertThat(ends).allSatisfy(e -> assertThat(e.row().active()).isFalse());
        assertThat(entries(user, EntryType.END)).hasSize(1);
        assertThat(ledger.reconcile(tenant).drifts()).isEmpty();
    }

    private static List<Allocated> allocated(List<? extends Outcome<Allocated>> results) {
        return doneValues(results, Allocated.class);
    }
}

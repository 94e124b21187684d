package com.aicredits.ledger;

import static com.aicredits.Outcomes.doneValue;
import static com.aicredits.Outcomes.doneValues;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.TestClock;
import com.aicredits.Together;
import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.ledger.RequestState.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The ledger under real contention on the real PostgreSQL: many threads released at once through a start
 * gate against one pool, one user or one request id. Each test makes its own tenant and asserts exact
 * counts and balances, then that reconciliation finds no drift.
 */
@TestApplication
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LedgerConcurrencyTest {

    private static final Actor ACTOR = new Actor("test");
    private static final String FEATURE = "canvas-chat";

    @Autowired
    Ledger ledger;

    @Autowired
    Directory directory;

    @Autowired
    TestClock testClock;

    private TenantId tenant;

    @AfterEach
    void the_ledger_reconciles_without_drift() {
        if (tenant != null) {
            assertThat(ledger.reconcile(tenant).drifts()).isEmpty();
            // and the usage roll-ups, folded after the storm, equal its consumption entries (issue 14)
            ledger.overTime().fold();
            assertThat(ledger.reconcile(tenant).drifts()).as("after folding the usage").isEmpty();
        }
    }

    // ------------------------------------------------------------------ allocation from one pool

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

    // ------------------------------------------------------------------ admission under a storm

    @Test
    void two_hundred_authorizations_with_tiny_estimates_against_one_credit_admit_exactly_the_concurrency_limit()
            throws Exception {
        tenant("authorize storm, tiny estimates");
        purchase(10);
        UserId user = assignedUsers(1, 1).getFirst();

        List<Outcome<Authorized>> results = Together.run(200, i -> ledger.authorize(tenant, new RequestId("r-" + i), user,
                FEATURE, new Credits(1), ACTOR));

        List<Authorized> admitted = authorized(results);
        assertThat(admitted).hasSize(4).allSatisfy(a -> {
            assertThat(a.replayed()).isFalse();
            assertThat(a.held()).isEqualTo(new Credits(1));
        });
        // Each admission saw the holds before it: available after 1, 2, 3 and 4 holds of 0.001.
        assertThat(admitted.stream().map(Authorized::available).collect(Collectors.toSet()))
                .isEqualTo(Set.of(new Credits(999), new Credits(998), new Credits(997), new Credits(996)));
        // Available never reached zero, so every refusal is the in-flight limit.
        assertThat(refused(results)).hasSize(196)
                .allSatisfy(r -> assertThat(r.reason()).isEqualTo(Refusal.TOO_MANY_IN_FLIGHT));
        var held = ledger.balance(tenant, user).orElseThrow();
        assertThat(held.held()).isEqualTo(new Credits(4));
        assertThat(held.available()).isEqualTo(new Credits(996));
        assertThat(entries(user, EntryType.AUTHORIZE)).hasSize(4);

        // The work was done: settle all four at once with costs far above the one credit.
        List<Long> costs = List.of(3L, 5L, 7L, 11L);
        List<Outcome<Settled>> settled = Together.run(4, i -> ledger.settle(tenant, admitted.get(i).requestId(),
                Credits.of(costs.get(i)), ACTOR));

        assertThat(settled).allSatisfy(s -> assertThat(s.orElseThrow()).satisfies(
                x -> assertThat(x.replayed()).isFalse()));
        var after = ledger.balance(tenant, user).orElseThrow();
        assertThat(after.consumed()).isEqualTo(Credits.of(26));
        assertThat(after.held()).isEqualTo(Credits.ZERO);
        assertThat(after.remaining()).isEqualTo(Credits.of(-25));
        // Overdraft bound: at most concurrency limit x largest single cost below zero.
        assertThat(after.remaining()).isGreaterThanOrEqualTo(Credits.of(-4 * 11));
        assertThat(ledger.authorize(tenant, new RequestId("after"), user, FEATURE, null, ACTOR))
                .isInstanceOfSatisfying(Refused.class,
                        r -> assertThat(r.reason()).isEqualTo(Refusal.CREDITS_EXHAUSTED));
    }

    @Test
    void two_hundred_authorizations_with_the_default_estimate_against_one_credit_admit_exactly_one() throws Exception {
        tenant("authorize storm, default estimate");
        purchase(10);
        UserId user = assignedUsers(1, 1).getFirst();

        List<Outcome<Authorized>> results = Together.run(200, i -> ledger.authorize(tenant, new RequestId("r-" + i), user,
                FEATURE, null, ACTOR));

        List<Authorized> admitted = authorized(results);
        assertThat(admitted).hasSize(1);
        assertThat(admitted.getFirst().held()).isEqualTo(Credits.of(1));
        assertThat(admitted.getFirst().available()).isEqualTo(Credits.ZERO);
        assertThat(refused(results)).hasSize(199).allSatisfy(r -> {
            assertThat(r.reason()).isEqualTo(Refusal.CREDITS_EXHAUSTED);
            assertThat(r.limit()).isEqualTo(Credits.ZERO);
        });
        assertThat(ledger.balance(tenant, user).orElseThrow().held()).isEqualTo(Credits.of(1));

        assertThat(ledger.settle(tenant, admitted.getFirst().requestId(), Credits.of(7), ACTOR))
                .isEqualTo(Outcome.done(new Settled(admitted.getFirst().requestId(), Credits.of(7), Credits.of(-6), false)));
        var after = ledger.balance(tenant, user).orElseThrow();
        assertThat(after.held()).isEqualTo(Credits.ZERO);
        assertThat(after.consumed()).isEqualTo(Credits.of(7));
        assertThat(after.remaining()).isGreaterThanOrEqualTo(Credits.of(-4 * 7));
    }

    @Test
    void two_hundred_charges_against_one_credit_stop_at_the_first_that_takes_available_to_zero_or_below()
            throws Exception {
        tenant("charge storm");
        purchase(10);
        UserId user = assignedUsers(1, 1).getFirst();
        Credits cost = new Credits(300);

        List<Outcome<Settled>> results = Together.run(200, i -> ledger.charge(tenant, new RequestId("c-" + i), user,
                FEATURE, cost, ACTOR));

        // 1 -> 0.7 -> 0.4 -> 0.1 -> -0.2: four are admitted while available > 0, then none.
        List<Settled> charged = doneValues(results, Settled.class);
        assertThat(charged).hasSize(4).allSatisfy(s -> assertThat(s.replayed()).isFalse());
        assertThat(charged.stream().map(Settled::remaining).collect(Collectors.toSet()))
                .isEqualTo(Set.of(new Credits(700), new Credits(400), new Credits(100), new Credits(-200)));
        assertThat(refused(results)).hasSize(196).allSatisfy(r -> {
            assertThat(r.reason()).isEqualTo(Refusal.CREDITS_EXHAUSTED);
            assertThat(r.limit()).isEqualTo(new Credits(-200));
        });
        var balance = ledger.balance(tenant, user).orElseThrow();
        assertThat(balance.consumed()).isEqualTo(new Credits(1200));
        assertThat(balance.remaining()).isEqualTo(new Credits(-200));
        assertThat(balance.remaining()).isGreaterThanOrEqualTo(new Credits(-4 * 300));
        assertThat(entries(user, EntryType.CHARGE)).hasSize(4);
    }

    // ------------------------------------------------------------------ removal racing consumption

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

    // ------------------------------------------------------------------ one request id, many threads

    @Test
    void thirty_two_settles_of_one_request_record_its_cost_once() throws Exception {
        tenant("settle retries");
        purchase(100);
        UserId user = assignedUsers(1, 10).getFirst();
        var request = new RequestId("r-1");
        assertThat(ledger.authorize(tenant, request, user, FEATURE, Credits.of(2), ACTOR)).isInstanceOf(Outcome.Done.class);

        List<Outcome<Settled>> results = Together.run(32, i -> ledger.settle(tenant, request, Credits.of(3), ACTOR));

        assertThat(results).hasSize(32).allSatisfy(r -> assertThat(r.orElseThrow()).satisfies(s -> {
            assertThat(s.cost()).isEqualTo(Credits.of(3));
            assertThat(s.remaining()).isEqualTo(Credits.of(7));
        }));
        assertThat(results).filteredOn(r -> !r.orElseThrow().replayed()).hasSize(1);
        var balance = ledger.balance(tenant, user).orElseThrow();
        assertThat(balance.consumed()).isEqualTo(Credits.of(3));
        assertThat(balance.held()).isEqualTo(Credits.ZERO);
        assertThat(entries(user, EntryType.SETTLE)).hasSize(1);
    }

    /** With 10 credits the retries pass admission and meet the request id; with 2 the first charge exhausts them. */
    @ParameterizedTest(name = "with {0} credits assigned")
    @ValueSource(longs = {10, 2})
    void thirty_two_charges_with_one_request_id_consume_its_cost_once(long assigned) throws Exception {
        tenant("charge retries");
        purchase(100);
        UserId user = assignedUsers(1, assigned).getFirst();
        var request = new RequestId("c-1");

        List<Outcome<Settled>> results = Together.run(32,
                i -> ledger.charge(tenant, request, user, FEATURE, Credits.of(3), ACTOR));

        assertThat(results).hasSize(32).allSatisfy(r -> assertThat(r.orElseThrow()).satisfies(s -> {
            assertThat(s.cost()).isEqualTo(Credits.of(3));
            assertThat(s.remaining()).isEqualTo(Credits.of(assigned - 3));
        }));
        assertThat(results).filteredOn(r -> !r.orElseThrow().replayed()).hasSize(1);
        var balance = ledger.balance(tenant, user).orElseThrow();
        assertThat(balance.consumed()).isEqualTo(Credits.of(3));
        assertThat(balance.remaining()).isEqualTo(Credits.of(assigned - 3));
        assertThat(entries(user, EntryType.CHARGE)).hasSize(1);
    }

    /** With 10 credits the retries pass admission and meet the request id; with 1 the first hold exhausts them. */
    @ParameterizedTest(name = "with {0} credits assigned")
    @ValueSource(longs = {10, 1})
    void thirty_two_authorizations_with_one_request_id_place_one_hold(long assigned) throws Exception {
        tenant("authorize retries");
        purchase(100);
        UserId user = assignedUsers(1, assigned).getFirst();
        var request = new RequestId("a-1");

        List<Outcome<Authorized>> results = Together.run(32,
                i -> ledger.authorize(tenant, request, user, FEATURE, Credits.of(2), ACTOR));

        List<Authorized> authorized = authorized(results);
        assertThat(authorized).hasSize(32).allSatisfy(a -> {
            assertThat(a.held()).isEqualTo(Credits.of(2));
            assertThat(a.available()).isEqualTo(Credits.of(assigned - 2));
        });
        assertThat(authorized).filteredOn(a -> !a.replayed()).hasSize(1);
        assertThat(ledger.balance(tenant, user).orElseThrow().held()).isEqualTo(Credits.of(2));
        assertThat(entries(user, EntryType.AUTHORIZE)).hasSize(1);
        assertThat(ledger.voidRequest(tenant, request, ACTOR)).isEqualTo(Outcome.done(new Voided(request, false)));
    }

    @Test
    void authorize_retries_racing_settles_of_the_same_request_neither_deadlock_nor_hold_twice() throws Exception {
        tenant("authorize retry versus settle");
        purchase(100);
        UserId user = assignedUsers(1, 10).getFirst();
        var request = new RequestId("as-1");
        assertThat(ledger.authorize(tenant, request, user, FEATURE, Credits.of(2), ACTOR)).isInstanceOf(Outcome.Done.class);

        // Authorize locks the account then meets the request row; settle locks the request row then the account.
        List<Object> results = Together.run(32, i -> i % 2 == 0
                ? ledger.authorize(tenant, request, user, FEATURE, Credits.of(2), ACTOR)
                : ledger.settle(tenant, request, Credits.of(3), ACTOR));

        List<Object> authorizes = IntStream.range(0, 32).filter(i -> i % 2 == 0).mapToObj(results::get).toList();
        List<Object> settles = IntStream.range(0, 32).filter(i -> i % 2 == 1).mapToObj(results::get).toList();
        assertThat(authorizes).allSatisfy(r -> assertThat(doneValue(r, Authorized.class)).satisfies(a -> {
            assertThat(a.replayed()).isTrue();
            assertThat(a.held()).isEqualTo(Credits.of(2));
        }));
        assertThat(settles).allSatisfy(r -> assertThat(doneValue(r, Settled.class)).satisfies(
                s -> assertThat(s.remaining()).isEqualTo(Credits.of(7))));
        assertThat(settles).filteredOn(r -> !doneValue(r, Settled.class).replayed()).hasSize(1);
        var balance = ledger.balance(tenant, user).orElseThrow();
        assertThat(balance.held()).isEqualTo(Credits.ZERO);
        assertThat(balance.consumed()).isEqualTo(Credits.of(3));
        assertThat(entries(user, EntryType.AUTHORIZE)).hasSize(1);
        assertThat(entries(user, EntryType.SETTLE)).hasSize(1);
    }

    @Test
    void thirty_two_voids_of_one_request_release_its_hold_once() throws Exception {
        tenant("void retries");
        purchase(100);
        UserId user = assignedUsers(1, 10).getFirst();
        var request = new RequestId("v-1");
        assertThat(ledger.authorize(tenant, request, user, FEATURE, Credits.of(2), ACTOR)).isInstanceOf(Outcome.Done.class);

        List<Outcome<Voided>> results = Together.run(32, i -> ledger.voidRequest(tenant, request, ACTOR));

        assertThat(results).hasSize(32).allSatisfy(r -> assertThat(r).isInstanceOf(Outcome.Done.class));
        assertThat(results).filteredOn(r -> !r.orElseThrow().replayed()).hasSize(1);
        var balance = ledger.balance(tenant, user).orElseThrow();
        assertThat(balance.held()).isEqualTo(Credits.ZERO);
        assertThat(balance.consumed()).isEqualTo(Credits.ZERO);
        assertThat(balance.available()).isEqualTo(Credits.of(10));
        assertThat(entries(user, EntryType.VOID)).hasSize(1);
    }

    @Test
    void a_settle_racing_a_void_of_the_same_request_lets_exactly_one_of_them_win() throws Exception {
        tenant("settle versus void");
        purchase(1000);
        UserId user = assignedUsers(1, 100).getFirst();
        int rounds = 20;
        int settlesWon = 0;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int round = 0; round < rounds; round++) {
                var request = new RequestId("sv-" + round);
                assertThat(ledger.authorize(tenant, request, user, FEATURE, Credits.of(2), ACTOR))
                        .isInstanceOf(Outcome.Done.class);

                // Even threads settle, odd threads void, all released at once.
                List<Object> results = Together.run(pool, 16, i -> i % 2 == 0
                        ? ledger.settle(tenant, request, Credits.of(3), ACTOR)
                        : ledger.voidRequest(tenant, request, ACTOR));

                List<Object> settles = IntStream.range(0, 16).filter(i -> i % 2 == 0).mapToObj(results::get).toList();
                List<Object> voids = IntStream.range(0, 16).filter(i -> i % 2 == 1).mapToObj(results::get).toList();
                long freshSettles = settles.stream().filter(r -> r instanceof Outcome.Done<?>(Settled s) && !s.replayed()).count();
                long freshVoids = voids.stream().filter(r -> r instanceof Outcome.Done<?>(Voided v) && !v.replayed()).count();
                assertThat(freshSettles + freshVoids).as("round %d: exactly one winner", round).isEqualTo(1);
                var state = ledger.request(tenant, request).orElseThrow();
                if (freshSettles == 1) {
                    settlesWon++;
                    assertThat(state.status()).isEqualTo(Status.SETTLED);
                    assertThat(settles).allSatisfy(r -> assertThat(r).isInstanceOf(Outcome.Done.class));
                    assertThat(voids).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(Refused.class,
                            x -> assertThat(x.reason()).isEqualTo(Refusal.ALREADY_SETTLED)));
                } else {
                    assertThat(state.status()).isEqualTo(Status.VOIDED);
                    assertThat(voids).allSatisfy(r -> assertThat(r).isInstanceOf(Outcome.Done.class));
                    assertThat(settles).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(Refused.class,
                            x -> assertThat(x.reason()).isEqualTo(Refusal.ALREADY_VOIDED)));
                }
                assertThat(ledger.balance(tenant, user).orElseThrow().held()).isEqualTo(Credits.ZERO);
            }
        } finally {
            shutdown(pool);
        }
        var balance = ledger.balance(tenant, user).orElseThrow();
        assertThat(balance.consumed()).isEqualTo(Credits.of(3L * settlesWon));
        assertThat(balance.remaining()).isEqualTo(Credits.of(100 - 3L * settlesWon));
        assertThat(count(user, EntryType.SETTLE)).isEqualTo(settlesWon);
        assertThat(count(user, EntryType.VOID)).isEqualTo(rounds - settlesWon);
    }

    // ------------------------------------------------------------------ settle racing the expiry sweep

    @Test
    void settles_racing_the_expiry_sweep_release_every_hold_once_and_record_every_cost_once() throws Exception {
        tenant("settle versus sweep");
        purchase(1000);
        List<UserId> users = assignedUsers(10, 10);
        Map<RequestId, UserId> owner = new HashMap<>();
        Map<RequestId, Credits> cost = new HashMap<>();
        List<RequestId> requests = new ArrayList<>();
        int round = 0;
        for (UserId user : users) {
            for (int k = 0; k < 4; k++) {
                var request = new RequestId("x-" + round++);
                assertThat(ledger.authorize(tenant, request, user, FEATURE, Credits.of(2), ACTOR))
                        .isInstanceOf(Outcome.Done.class);
                owner.put(request, user);
                cost.put(request, new Credits(500L * (1 + k))); // 0.5, 1, 1.5, 2
                requests.add(request);
            }
        }
        testClock.advance(Duration.ofMinutes(16));

        // 4 sweepers and 2 settles per request (80), all released at once.
        int sweepers = 4;
        int settlers = requests.size() * 2;
        AtomicInteger swept = new AtomicInteger();
        List<Object> results = Together.run(sweepers + settlers, i -> {
            if (i < sweepers) {
                swept.addAndGet(ledger.expireHolds());
                return null;
            }
            var request = requests.get((i - sweepers) / 2);
            return ledger.settle(tenant, request, cost.get(request), ACTOR);
        });
        swept.addAndGet(ledger.expireHolds()); // nothing of this tenant is left to expire

        Map<RequestId, List<Settled>> byRequest = new HashMap<>();
        for (int i = sweepers; i < results.size(); i++) {
            var request = requests.get((i - sweepers) / 2);
            assertThat(results.get(i)).as("settle of %s", request).isInstanceOf(Outcome.Done.class);
            byRequest.computeIfAbsent(request, r -> new ArrayList<>()).add(doneValue(results.get(i), Settled.class));
        }
        for (RequestId request : requests) {
            List<Settled> settles = byRequest.get(request);
            assertThat(settles).as("%s", request).hasSize(2)
                    .allSatisfy(s -> assertThat(s.cost()).isEqualTo(cost.get(request)));
            assertThat(settles).as("%s settled fresh exactly once", request).filteredOn(s -> !s.replayed()).hasSize(1);
            assertThat(settles.get(0).remaining()).isEqualTo(settles.get(1).remaining());
            var state = ledger.request(tenant, request).orElseThrow();
            assertThat(state.status()).isEqualTo(Status.SETTLED);
            assertThat(state.cost()).isEqualTo(cost.get(request));
        }

        List<Entry> all = new ArrayList<>(entries(null, null));
        all.sort(Comparator.comparingLong(Entry::id));
        List<Entry> expires = all.stream().filter(e -> e.type() == EntryType.EXPIRE).toList();
        assertThat(swept.get()).isGreaterThanOrEqualTo(expires.size());
        for (UserId user : users) {
            var balance = ledger.balance(tenant, user).orElseThrow();
            assertThat(balance.held()).isEqualTo(Credits.ZERO);
            assertThat(balance.consumed()).isEqualTo(new Credits(500 + 1000 + 1500 + 2000));
            assertThat(balance.remaining()).isEqualTo(new Credits(10_000 - 5000));
            // Each request's hold of 2 was released exactly once, by the sweep or by its settle.
            Map<String, Long> released = new HashMap<>();
            Credits previousHeld = Credits.ZERO;
            for (Entry e : all.stream().filter(e -> user.equals(e.userId())).toList()) {
                long delta = e.heldAfter().minus(previousHeld).thousandths();
                previousHeld = e.heldAfter();
                if (delta < 0) {
                    released.merge(e.requestId(), -delta, Long::sum);
                }
            }
            assertThat(released).hasSize(4).allSatisfy((request, amount) ->
                    assertThat(amount).as("released for %s", request).isEqualTo(Credits.of(2).thousandths()));
            // And the user can run four new requests again: no open hold was left behind.
            for (int k = 0; k < 4; k++) {
                var again = new RequestId("again-" + user.value() + "-" + k);
                assertThat(ledger.authorize(tenant, again, user, FEATURE, new Credits(1), ACTOR))
                        .isInstanceOf(Outcome.Done.class);
            }
            for (int k = 0; k < 4; k++) { // leave no open hold for later sweeps of other test classes
                var again = new RequestId("again-" + user.value() + "-" + k);
                assertThat(ledger.voidRequest(tenant, again, ACTOR)).isEqualTo(Outcome.done(new Voided(again, false)));
            }
        }
        assertThat(all.stream().filter(e -> e.type() == EntryType.SETTLE).count()).isEqualTo(requests.size());
        assertThat(all.stream().filter(e -> e.type() == EntryType.SETTLE).map(Entry::requestId).distinct().count())
                .isEqualTo(requests.size());
        assertThat(expires.stream().map(Entry::requestId).distinct().count()).isEqualTo(expires.size());
    }

    // ------------------------------------------------------------------ helpers

    // ------------------------------------------------------------------ the overdraft bound (SPEC part two)

    /**
     * The reproduction from the ledger issue, under concurrency: waves of authorizations race the sweeper,
     * their holds expire (giving the credits back), and the next wave tries again; at the end every admitted
     * request settles late, all at once. Before the settle deadline existed, each wave found free slots and
     * the late settles overdrew far past the bound; now the expired requests keep their slots.
     */
    @Test
    void waves_of_authorizations_whose_holds_expire_then_settle_late_stay_within_the_overdraft_bound() throws Exception {
        tenant("overdraft bound");
        purchase(100);
        UserId user = assignedUsers(1, 1).get(0);
        Credits largestCost = Credits.of(3);
        long limit = 4;
        List<RequestId> admitted = new ArrayList<>();
        for (int wave = 0; wave < 4; wave++) {
            int w = wave;
            List<Object> results = Together.run(18, i -> i < 16
                    ? ledger.authorize(tenant, new RequestId("wave-" + w + "-" + i), user, FEATURE, new Credits(1), ACTOR)
                    : ledger.expireHolds());
            for (int i = 0; i < 16; i++) {
                if (results.get(i) instanceof Outcome.Done<?>) {
                    admitted.add(new RequestId("wave-" + w + "-" + i));
                }
            }
            testClock.advance(Duration.ofMinutes(16));
            ledger.expireHolds();
        }
        assertThat(admitted).as("requests in flight across the waves").hasSizeLessThanOrEqualTo((int) limit);

        List<Object> settles = Together.run(admitted.size() + 2, i -> i < admitted.size()
                ? ledger.settle(tenant, admitted.get(i), largestCost, ACTOR)
                : ledger.authorize(tenant, new RequestId("after-" + i), user, FEATURE, new Credits(1), ACTOR));
        assertThat(settles.subList(0, admitted.size())).allSatisfy(r -> assertThat(r).isInstanceOf(Outcome.Done.class));

        var remaining = ledger.balance(tenant, user).orElseThrow().remaining();
        assertThat(remaining.thousandths()).as("remaining ≥ −(limit × largest single cost)")
                .isGreaterThanOrEqualTo(-limit * largestCost.thousandths());
        assertThat(ledger.reconcile(tenant).drifts()).isEmpty();
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

    private void tenant(String name) {
        tenant = directory.createTenant("Concurrency: " + name).id();
    }

    private void purchase(long credits) {
        assertThat(ledger.purchase(tenant, Credits.of(credits), "order-1", null, ACTOR, null))
                .isInstanceOf(Outcome.Done.class);
    }

    private List<UserId> users(int count) {
        List<UserId> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var result = directory.register(tenant,
                    new NewUser("User " + i, "user" + i + "@example.com", Role.Planner));
            assertThat(result).isInstanceOf(Outcome.Done.class);
            users.add(result.orElseThrow().id());
        }
        return users;
    }

    private List<UserId> assignedUsers(int count, long credits) {
        List<UserId> users = users(count);
        for (UserId user : users) {
            assertThat(ledger.assign(tenant, user, Credits.of(credits), null, ACTOR, null))
                    .isInstanceOf(Outcome.Done.class);
        }
        return users;
    }

    /** Every entry of the tenant (narrowed to a user and type when given), newest first. */
    private List<Entry> entries(UserId user, EntryType type) {
        List<Entry> all = new ArrayList<>();
        for (int page = 0; ; page++) {
            var items = ledger.entries(tenant, user, type, page, RowQuery.MAX_PAGE_SIZE).items();
            all.addAll(items);
            if (items.size() < RowQuery.MAX_PAGE_SIZE) {
                return all;
            }
        }
    }

    private long count(UserId user, EntryType type) {
        return ledger.entries(tenant, user, type, 0, 1).total();
    }

    private static List<Allocated> allocated(List<? extends Outcome<Allocated>> results) {
        return doneValues(results, Allocated.class);
    }

    private static List<Authorized> authorized(List<? extends Outcome<Authorized>> results) {
        return doneValues(results, Authorized.class);
    }

    private static List<Refused<?>> refused(List<?> results) {
        return results.stream().<Refused<?>>mapMulti((r, out) -> {
            if (r instanceof Refused<?> refused) {
                out.accept(refused);
            }
        }).toList();
    }

    private static void shutdown(ExecutorService pool) throws InterruptedException {
        pool.shutdownNow();
        if (!pool.awaitTermination(30, SECONDS)) {
            throw new IllegalStateException("worker threads did not stop");
        }
    }
}

package com.aicredits.ledger;

import static com.aicredits.Outcomes.doneValue;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.Together;
import com.aicredits.ledger.RequestState.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One request id from many threads: repeated settles, charges, authorizations and voids of one request take
 * effect once, and authorize retries or voids racing its settle leave exactly one outcome.
 */
@TestApplication
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RequestIdRaceTest extends LedgerRaceContext {

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

    private static void shutdown(ExecutorService pool) throws InterruptedException {
        pool.shutdownNow();
        if (!pool.awaitTermination(30, SECONDS)) {
            throw new IllegalStateException("worker threads did not stop");
        }
    }
}

package com.aicredits.http;

import static com.aicredits.http.HostileJson.abbreviate;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient.Response;
import com.aicredits.RandomChoices;
import com.aicredits.http.Attack.Fault;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Malformed and hostile input against every operation of the served OpenAPI document (so an endpoint added
 * later is attacked too, without touching this test): random JSON of the wrong types, huge and over-precise
 * numbers, deep nesting, unicode and NUL characters, nulls, unknown fields, bodies that are not JSON or not
 * UTF-8, content types that are not JSON, path variables that are not ids ({@code ../}, percent-encoding,
 * very long), hostile query values, and Idempotency-Key garbage, sent with valid platform, admin and consume
 * keys. The requests are made by {@link AttackGenerator}; the application and the snapshot every attack is
 * checked against are the {@link HostileWorld}.
 *
 * <p>Every request that could change something carries at least one fault the service must refuse (its
 * {@link Fault}); other parts are noise, valid or not. So after every request: no 5xx, every 4xx is a problem
 * ({@code application/problem+json} with a {@code code}), a mutating call was refused, the tenant and the
 * tenant list are exactly as before, and the whole ledger reconciles; the other tenant is compared around
 * every attack that names it or its user, and once after all of them.
 *
 * <p>A plain seeded generator (jqwik's maintainer asks AI-assisted projects not to use it). Each attack has
 * its own seed, printed with a failure: {@code -Dhostile.seed=S} sends that one attack again;
 * {@code -Dhostile.attacks=N} sets how many attacks a run sends (default 500).
 */
class HostileInputProperties {

    // 500: with the usage and forecast operations (issue 14), 400 left one of ~45 operations unreached in about one run in
    // a few hundred (seed 3794527381913259497 missed POST api-keys).
    static final int ATTACKS = Integer.getInteger("hostile.attacks", 500);

    @BeforeAll
    static void startApplication() {
        HostileWorld.get();
    }

    @AfterAll
    static void stopApplication() {
        HostileWorld.stop();
    }

    @Test
    void hostile_input_is_refused_with_a_problem_and_changes_nothing() {
        var w = HostileWorld.get();
        Long replay = Long.getLong("hostile.seed");
        if (replay != null) {
            System.out.println("HostileInputProperties: replaying the attack of seed " + replay);
            attackAndCheck(w, AttackGenerator.attack(w, replay), new TreeMap<>());
            w.assertOtherTenantUnchanged("the attack of seed " + replay);
            return;
        }
        long runSeed = new SplittableRandom().nextLong();
        System.out.println("HostileInputProperties: " + ATTACKS + " attacks, their seeds drawn from " + runSeed);
        var seeds = new RandomChoices(runSeed);
        var reached = new TreeMap<String, Integer>();
        long started = System.nanoTime();
        for (int i = 0; i < ATTACKS; i++) {
            attackAndCheck(w, AttackGenerator.attack(w, seeds.nextSeed()), reached);
        }
        // Chance leaves an operation or a fault unreached now and then (a fresh-clone run on December 5 sent none of
        // its 500 attacks to PATCH /users/{userId}): draw more seeds until each has an attack. Each is still one seed,
        // replayable as above; a generator that can no longer make one (what the check below is for) draws in vain.
        if (ATTACKS >= 400) {
            topUp(w, seeds, reached);
        }
        // Checked around the attacks that name the other tenant or its user; once more after all of them.
        w.assertOtherTenantUnchanged("all attacks");
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        System.out.printf("HostileInputProperties: %d attacks, %.1f s (%d ms an attack)%n%s", ATTACKS, millis / 1000.0,
                millis / Math.max(1, ATTACKS), reached.entrySet().stream()
                        .map(e -> String.format("  %5d  %s%n", e.getValue(), e.getKey())).collect(Collectors.joining()));
        // A short run (-Dhostile.attacks=10) cannot be expected to reach every operation and fault.
        if (ATTACKS >= 400) {
            requireEveryOperationAndFault(w, reached);
        }
    }

    /** Sends the attack and checks what it must not do; a failure names the attack's seed, to replay it. */
    private static void attackAndCheck(HostileWorld w, Attack attack, Map<String, Integer> reached) {
        reached.merge("fault " + attack.fault(), 1, Integer::sum);
        reached.merge("operation " + attack.operation(), 1, Integer::sum);
        Response response = w.send(attack);
        String why = attack + "\n→ " + response.status() + " " + response.header("Content-Type") + " "
                + abbreviate(response.text());
        reached.merge("status " + response.status() / 100 + "xx", 1, Integer::sum);
        try {
            check(w, attack, response, why);
        } catch (AssertionError e) {
            throw new AssertionError("""
                    The attack of seed %d was not refused cleanly, or changed something.
                    Replay it: ./mvnw -pl server -am verify -Dtest.prerequisites.skip -Dtest=HostileInputProperties \
                    -Dsurefire.failIfNoSpecifiedTests=false -Dhostile.seed=%d
                    %s""".formatted(attack.seed(), attack.seed(), e.getMessage()), e);
        }
    }

    private static void check(HostileWorld w, Attack attack, Response response, String why) {
        assertThat(response.status()).as(why).isBetween(200, 499);
        // A request line longer than Tomcat reads (8 KiB of headers) is refused before any path is known: that
        // answer cannot be a SCIM one, and is the container's problem like on every other path.
        boolean unreadablePath = attack.uri().length() > 8 * 1024 && response.status() == 400;
        if (response.status() >= 400 && attack.operation().scim() && !unreadablePath) {
            // On the SCIM paths every refusal is an RFC 7644 error body, whatever refused it.
            assertThat(response.header("Content-Type")).as(why).startsWith("application/scim+json");
            JsonNode error = response.json();
            assertThat(error.path("schemas").path(0).asString("")).as(why).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
            assertThat(error.path("status").asString("")).as(why).isEqualTo(String.valueOf(response.status()));
        } else if (response.status() >= 400) {
            assertThat(response.header("Content-Type")).as(why).startsWith("application/problem+json");
            JsonNode problem;
            try {
                problem = response.json();
            } catch (RuntimeException e) {
                throw new AssertionError("the problem is not JSON: " + why, e);
            }
            assertThat(problem.path("code").asString("")).as("the problem's code: " + why).isNotBlank();
        }
        if (attack.operation().mutating()) {
            // Every mutating attack carries a fault (a read's may be harmless, e.g. a search for "-1").
            assertThat(response.status()).as("a request with a fault must be refused: " + why).isBetween(400, 499);
        }
        w.assertNothingChanged(attack, why);
    }

    private static void topUp(HostileWorld w, RandomChoices seeds, Map<String, Integer> reached) {
        var wanted = new java.util.ArrayList<String>();
        w.operations.forEach(o -> wanted.add("operation " + o));
        for (Fault fault : Fault.values()) {
            wanted.add("fault " + fault);
        }
        for (String want : wanted) {
            for (int draw = 0; draw < TOP_UP_DRAWS && !reached.containsKey(want); draw++) {
                var attack = AttackGenerator.attack(w, seeds.nextSeed());
                if (want.equals("operation " + attack.operation()) || want.equals("fault " + attack.fault())) {
                    attackAndCheck(w, attack, reached);
                }
            }
        }
    }

    /** Seeds drawn, at most, for one operation or fault no attack reached: each operation is one draw in about 60. */
    private static final int TOP_UP_DRAWS = 5_000;

    /** A generator that stopped reaching an operation or a kind of fault would make this test pass for nothing. */
    private static void requireEveryOperationAndFault(HostileWorld w, Map<String, Integer> reached) {
        var missed = w.operations.stream().map(o -> "operation " + o).filter(o -> !reached.containsKey(o)).toList();
        assertThat(missed).as("operations no attack reached").isEmpty();
        for (Fault fault : Fault.values()) {
            assertThat(reached).as("attacks with the fault " + fault).containsKey("fault " + fault);
        }
    }
}

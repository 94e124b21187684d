package com.aicredits.ledger;

import com.aicredits.AiCreditsApplication;
import com.aicredits.RandomChoices;
import com.aicredits.TestApplication;
import com.aicredits.shared.TenantId;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Random sequences of ledger operations, run against the real ledger on the embedded PostgreSQL and, side
 * by side, against a plain in-memory model of the rules in SPEC.md ({@link LedgerModel}). After every step
 * the ledger's answer must be the model's prediction, field for field, and the stored balances must agree
 * with the model and satisfy the ledger's invariants; every 8th step and at the end of every sequence, the
 * admin's table, each user's balance and the reconciliation are checked too ({@link ModelInvariants}). Every fifth
 * sequence runs on a second application whose group commit rounds and batches are applied item by item, as on Citus
 * ({@link RoundShape}).
 *
 * <p>A plain seeded generator, not a property-based library: jqwik's maintainer asks AI-assisted projects
 * not to use it, and a seed per sequence plus a shrinking step of our own is all this test used of it.
 * A failure prints the sequence's seed, the shortest sequence that still fails (steps dropped while the
 * failure persists) and the transcript of every call it made and what the ledger answered.
 *
 * <p>The pieces: {@link ModelSequence} (one seed, 50-80 steps), {@link ModelStep} (each operation: its
 * weight, what it draws, how it is performed), {@link ModelChoices} (symbolic amounts and requests),
 * {@link LedgerModel} and {@link ModelState} (what the model keeps and what it shows), the model's rules by
 * capability ({@link ModelAllocations}, {@link ModelAllowances}, {@link ModelConsumption} and {@link ModelBulk}),
 * {@link ModelRun} (one sequence's run: its choices resolved, every answer compared, the transcript) and its calls
 * on the real ledger by capability ({@link ModelAllocationCalls}, {@link ModelAllowanceCalls},
 * {@link ModelConsumptionCalls}), {@link ModelInvariants} (every check after a step), {@link ModelCoverage}
 * (the paths a run must reach) and {@link ModelShrinker}.
 *
 * <ul>
 *   <li>{@code -Dmodel.seed=S}: replay the one sequence made from seed S (what a failure prints).
 *   <li>{@code -Dmodel.sequences=N}: how many sequences at least (default 300, about 150 s in CI on this two-core
 *       machine: the share of the suite CI can afford, as it was for 500 shorter sequences before bulk changes,
 *       allowances and item-by-item rounds joined the model; every run draws new seeds, so CI runs add up. A deeper
 *       run before a ledger change, e.g. 5,000, is one flag away, and no longer slows down as it goes, see
 *       {@link #retire}).
 *   <li>{@code -Dmodel.shrink.seconds=N}: the time shrinking may take (default 60).
 * </ul>
 */
class LedgerModelProperties {

    static final int FULL_RUN = 300;
    static final int SEQUENCES = Integer.getInteger("model.sequences", FULL_RUN);
    static final Duration SHRINK_BUDGET = Duration.ofSeconds(Long.getLong("model.shrink.seconds", 60));
    /**
     * Reconciliation recomputes the tenant from all its entries: with the table and the balances 2-4 ms,
     * more than a step and its other checks together (every step: 1,000 sequences took over 3 minutes on 2
     * busy cores). Every 8th step places a drift within eight steps, and a drift stays once there: entries
     * are append-only and balances move by deltas.
     */
    static final int THOROUGH_EVERY = 8;

    private static ConfigurableApplicationContext application;
    /** The same with group commit's rounds applied item by item, as on Citus (V38, {@link RoundShape}). */
    private static ConfigurableApplicationContext itemRounds;
    /** Every fifth sequence (by its seed, so that a replay and the shrinking run it the same way) runs on it. */
    static final int ITEM_ROUNDS_EVERY = 5;

    /**
     * Started by hand, once, on their own throw-away PostgreSQL (profile "test") with the settable clock: the
     * sequences move the clock by a day each, which no test sharing a cached Spring context should see.
     */
    @BeforeAll
    static void startApplication() {
        application = start("--aicredits.ledger.rounds=set");
        itemRounds = start("--aicredits.ledger.rounds=items");
    }

    private static ConfigurableApplicationContext start(String rounds) {
        return new SpringApplicationBuilder(AiCreditsApplication.class, TestApplication.Clock.class)
                .profiles("test").web(WebApplicationType.NONE).run(rounds);
    }

    @AfterAll
    static void stopApplication() {
        application.close();
        itemRounds.close();
    }

    static ConfigurableApplicationContext applicationFor(ModelSequence sequence) {
        return Math.floorMod(sequence.seed(), ITEM_ROUNDS_EVERY) == 0 ? itemRounds : application;
    }

    @Test
    void the_ledger_agrees_with_a_plain_model_after_every_step() {
        Long replay = Long.getLong("model.seed");
        if (replay != null) {
            System.out.println("LedgerModelProperties: replaying the sequence of seed " + replay);
            check(ModelSequence.generate(replay), new ModelCoverage());
            return;
        }
        long runSeed = new SplittableRandom().nextLong();
        System.out.println("LedgerModelProperties: at least " + SEQUENCES + " sequences, their seeds drawn from " + runSeed);
        var seeds = new RandomChoices(runSeed);
        var coverage = new ModelCoverage();
        long started = System.nanoTime();
        long steps = 0;
        int sequences = 0;
        // A full run goes on past its count until every required path was reached (at most four times the count:
        // a path no longer reachable then fails the run); a short run (-Dmodel.sequences=10) is not held to that.
        boolean full = SEQUENCES >= FULL_RUN;
        while (sequences < SEQUENCES || full && !coverage.everyPathReached() && sequences < 4 * SEQUENCES) {
            var sequence = ModelSequence.generate(seeds.nextSeed());
            check(sequence, coverage);
            steps += sequence.steps().size();
            sequences++;
        }
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        System.out.printf("LedgerModelProperties: %d sequences, %d steps (%d-%d each), %.1f s (%d ms a sequence)%n%s",
                sequences, steps, ModelSequence.STEPS_MIN, ModelSequence.STEPS_MAX, millis / 1000.0,
                millis / sequences, coverage);
        if (full) {
            coverage.requireEveryPathReached();
        }
    }

    /** Runs the sequence; on a failure, shrinks it and fails with what it takes to see the failure again. */
    private static void check(ModelSequence sequence, ModelCoverage coverage) {
        var failure = failureOf(sequence, coverage);
        if (failure == null) {
            return;
        }
        var shrunk = new ModelShrinker(s -> failureOf(s, new ModelCoverage()), SHRINK_BUDGET)
                .shrink(sequence, failure);
        throw new AssertionError("""
                The ledger and the model disagree in the sequence of seed %d (rounds %s).
                Replay it: ./mvnw -pl server -am verify -Dtest.prerequisites.skip -Dtest=LedgerModelProperties \
                -Dsurefire.failIfNoSpecifiedTests=false -Dmodel.seed=%d
                Shrunk from %d to %d steps (%d tries, %s); the shortest sequence that still fails:
                %s
                Its failure: %s
                Its transcript (every call and what the ledger answered):
                %s"""
                .formatted(sequence.seed(), applicationFor(sequence) == itemRounds ? "item by item" : "set-based",
                        sequence.seed(), sequence.steps().size(), shrunk.sequence().steps().size(),
                        shrunk.tries(), shrunk.why(), shrunk.sequence(), shrunk.failure().cause().getMessage(),
                        shrunk.failure().transcript()),
                shrunk.failure().cause());
    }

    /** Null when the sequence passes; otherwise what failed and the transcript up to the failure. */
    static ModelShrinker.Failure failureOf(ModelSequence sequence, ModelCoverage coverage) {
        var app = applicationFor(sequence);
        var run = new ModelRun(app, sequence.users(), coverage);
        var invariants = new ModelInvariants(run);
        try {
            for (ModelStep step : sequence.steps()) {
                run.perform(step);
                invariants.afterEveryStep();
                if (run.steps % THOROUGH_EVERY == 0) {
                    invariants.thoroughly();
                }
            }
            invariants.thoroughly();
            return null;
        } catch (AssertionError | RuntimeException e) {
            return new ModelShrinker.Failure(e, run.transcript());
        } finally {
            retire(app, run.tenant);
        }
    }

    /**
     * The tenants of the last few sequences, the oldest first. Each sequence moves the clock on by a day at least, so
     * at every fold the folder recomputed the kept runways of every earlier tenant (their day had changed): the fold
     * grew with the sequences run, from 7 ms to 120 ms, and took half of a 500-sequence run. A few stay, so that the
     * tables always hold other tenants' accounts, entries and requests with figures of their own: a statement that
     * forgot its tenant still mixes them into what the checks read.
     */
    private static final Map<ConfigurableApplicationContext, Deque<TenantId>> RECENT_TENANTS = new HashMap<>();
    private static final int RECENT_TENANTS_KEPT = 3;

    /** Deletes the rows of the oldest tenant kept, from every table with a tenant_id, once more than a few are kept. */
    private static void retire(ConfigurableApplicationContext application, TenantId tenant) {
        var recent = RECENT_TENANTS.computeIfAbsent(application, a -> new ArrayDeque<>());
        recent.addLast(tenant);
        if (recent.size() <= RECENT_TENANTS_KEPT) {
            return;
        }
        UUID oldest = recent.removeFirst().value();
        // As a replica: neither the triggers that keep entries, accounts and users (the service never deletes them)
        // nor the foreign keys fire. The tables are read from the catalogue, so that a new one is not left out.
        application.getBean(JdbcClient.class).sql("""
                do $$
                declare t text;
                begin
                    perform set_config('session_replication_role', 'replica', true);
                    for t in select c.table_name from information_schema.columns c
                              join information_schema.tables b using (table_schema, table_name)
                             where c.table_schema = current_schema() and c.column_name = 'tenant_id'
                               and b.table_type = 'BASE TABLE' loop
                        execute format('delete from %%I where tenant_id = %%L', t, '%1$s');
                    end loop;
                    delete from tenants where id = '%1$s';
                end $$
                """.formatted(oldest)).update();
    }
}

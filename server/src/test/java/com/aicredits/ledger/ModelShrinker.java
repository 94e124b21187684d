package com.aicredits.ledger;

import java.time.Duration;
import java.util.function.Function;

/**
 * Makes a failing sequence shorter: drops runs of steps (halves, then quarters, ... then single steps) and
 * keeps each drop while the sequence still fails the same way. Steps hold symbolic choices ("the latest open
 * request", "removable+0.001"), so a sequence with steps dropped still makes sense.
 *
 * <p>Every try is a whole new run on a new tenant, so shrinking is bounded by time, not only by tries; what
 * it reached by then is reported. It is deterministic: replaying the seed shrinks to the same sequence.
 */
final class ModelShrinker {

    /** What failed, and the transcript of the run up to the failure. */
    record Failure(Throwable cause, String transcript) {
    }

    /** The shortest failing sequence found, its failure, how many runs it took, and why shrinking stopped. */
    record Shrunk(ModelSequence sequence, Failure failure, int tries, String why) {
    }

    private final Function<ModelSequence, Failure> run;
    private final Duration budget;

    ModelShrinker(Function<ModelSequence, Failure> run, Duration budget) {
        this.run = run;
        this.budget = budget;
    }

    Shrunk shrink(ModelSequence failing, Failure failure) {
        long deadline = System.nanoTime() + budget.toNanos();
        var sequence = failing;
        int tries = 0;
        for (int chunk = Math.max(1, sequence.steps().size() / 2); chunk >= 1; chunk /= 2) {
            int from = 0;
            while (from < sequence.steps().size()) {
                if (System.nanoTime() > deadline) {
                    return new Shrunk(sequence, failure, tries, "stopped after " + budget.toSeconds()
                            + " s: -Dmodel.shrink.seconds=N for longer");
                }
                var candidate = sequence.without(from, Math.min(from + chunk, sequence.steps().size()));
                tries++;
                var candidateFailure = run.apply(candidate);
                if (candidateFailure != null && sameKind(failure, candidateFailure)) {
                    sequence = candidate;
                    failure = candidateFailure;
                } else {
                    from += chunk;
                }
            }
        }
        return new Shrunk(sequence, failure, tries, "no single step can be dropped");
    }

    /** A shorter sequence that fails for another reason (say, a step left without its setup) is not kept. */
    private static boolean sameKind(Failure original, Failure candidate) {
        return original.cause().getClass().equals(candidate.cause().getClass());
    }
}

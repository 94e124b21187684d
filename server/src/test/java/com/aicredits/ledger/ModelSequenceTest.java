package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The model test is only reproducible if a seed always makes the same sequence, and a failure is only
 * readable if shrinking really drops what does not matter: both checked here without a database.
 */
class ModelSequenceTest {

    @Test
    void the_same_seed_makes_the_same_sequence_and_another_seed_another_one() {
        assertThat(ModelSequence.generate(42)).isEqualTo(ModelSequence.generate(42));
        assertThat(ModelSequence.generate(42).steps()).isNotEqualTo(ModelSequence.generate(43).steps());
    }

    @Test
    void every_sequence_opens_with_a_purchase_and_an_assignment_per_user_and_has_50_to_80_steps() {
        LongStream.range(0, 200).mapToObj(ModelSequence::generate).forEach(sequence -> {
            assertThat(sequence.steps()).hasSizeBetween(ModelSequence.STEPS_MIN, ModelSequence.STEPS_MAX);
            assertThat(sequence.steps().getFirst()).isInstanceOf(ModelStep.PurchaseCredits.class);
            assertThat(sequence.steps().subList(1, 1 + sequence.users()))
                    .allMatch(step -> step instanceof ModelStep.AssignCredits);
        });
    }

    @Test
    void shrinking_keeps_only_the_steps_the_failure_needs_in_their_order() {
        var sequence = ModelSequence.generate(7);
        var first = sequence.steps().get(10);
        var second = sequence.steps().get(40);
        // A stand-in for the ledger: "fails" while the sequence still holds both steps, in this order.
        var shrinker = new ModelShrinker(s -> {
            int a = s.steps().indexOf(first);
            int b = s.steps().lastIndexOf(second);
            return a >= 0 && b > a ? new ModelShrinker.Failure(new AssertionError("both"), "") : null;
        }, Duration.ofSeconds(30));

        var shrunk = shrinker.shrink(sequence, new ModelShrinker.Failure(new AssertionError("both"), ""));

        assertThat(shrunk.sequence().steps()).containsExactly(first, second);
        assertThat(shrunk.sequence().seed()).isEqualTo(sequence.seed());
    }

    @Test
    void shrinking_keeps_no_shorter_sequence_that_fails_in_another_way() {
        var sequence = ModelSequence.generate(7);
        var shrinker = new ModelShrinker(s -> s.steps().size() == sequence.steps().size()
                ? new ModelShrinker.Failure(new AssertionError("the original"), "")
                : new ModelShrinker.Failure(new IllegalStateException("another failure"), ""), Duration.ofSeconds(30));

        var shrunk = shrinker.shrink(sequence, new ModelShrinker.Failure(new AssertionError("the original"), ""));

        assertThat(shrunk.sequence()).isEqualTo(sequence);
    }
}

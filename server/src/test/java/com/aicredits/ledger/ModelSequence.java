package com.aicredits.ledger;

import com.aicredits.RandomChoices;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One generated sequence: how many users the tenant has, and what happens to it. Everything comes from
 * {@code seed}, so the seed a failure prints makes the same sequence again ({@code -Dmodel.seed=}).
 */
record ModelSequence(long seed, int users, List<ModelStep> steps) {

    static final int STEPS_MIN = 50;
    static final int STEPS_MAX = 80;

    /** 3 or 4 users; an opening that buys credits and assigns some to every user; then 50-80 steps in all. */
    static ModelSequence generate(long seed) {
        var random = new RandomChoices(seed);
        int users = random.between(3, 4);
        var choices = new ModelChoices(random, users);
        var steps = new ArrayList<>(ModelStep.opening(choices, users));
        int total = random.between(STEPS_MIN, STEPS_MAX);
        var mix = ModelStep.mix(choices);
        while (steps.size() < total) {
            steps.add(random.weighted(mix));
        }
        return new ModelSequence(seed, users, List.copyOf(steps));
    }

    /** The same sequence without the steps {@code from} (included) to {@code to} (excluded): for shrinking. */
    ModelSequence without(int from, int to) {
        var fewer = new ArrayList<>(steps.subList(0, from));
        fewer.addAll(steps.subList(to, steps.size()));
        return new ModelSequence(seed, users, List.copyOf(fewer));
    }

    @Override
    public String toString() {
        return users + " users, " + steps.size() + " steps:\n" + IntStream.range(0, steps.size())
                .mapToObj(i -> "  #" + (i + 1) + " " + steps.get(i)).collect(Collectors.joining("\n"));
    }
}

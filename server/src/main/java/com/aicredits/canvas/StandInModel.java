package com.aicredits.canvas;

import java.util.List;

/**
 * The built-in offline stand-in, used when no model is configured: it answers deterministically from the
 * question and reports token usage the way a real model does (about four characters a token), so the
 * whole authorize → answer → settle path runs with real costs and no network.
 */
class StandInModel implements ChatModel {

    @Override
    public Completion complete(List<Turn> conversation) {
        String question = conversation.getLast().content().strip();
        String answer = """
                (Offline stand-in model) You asked: "%s". A configured model would answer here; this stand-in \
                answers deterministically so the Canvas works without a network. Questions so far in this \
                conversation: %d.""".formatted(question, conversation.stream().filter(t -> t.author().equals("user")).count());
        long prompt = conversation.stream().mapToLong(t -> tokens(t.content())).sum();
        return new Completion(answer, prompt, tokens(answer));
    }

    static long tokens(String text) {
        return Math.max(1, (text.length() + 3) / 4);
    }

    @Override
    public String label() {
        return "Offline stand-in model";
    }

    @Override
    public boolean isStandIn() {
        return true;
    }
}

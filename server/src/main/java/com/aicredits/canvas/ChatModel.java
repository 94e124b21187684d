package com.aicredits.canvas;

import java.util.List;

/** A chat model: the conversation so far in, an answer and the tokens it took out. */
interface ChatModel {

    Completion complete(List<Turn> conversation);

    /** Shown in the Canvas so nobody mistakes the offline stand-in for a real model. */
    String label();

    boolean isStandIn();

    record Turn(String author, String content) {
    }

    record Completion(String text, long promptTokens, long completionTokens) {
    }

    /** The model could not answer (unreachable, an error status, a malformed reply). */
    class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

package com.aicredits.reliability;

import java.util.Set;
import java.util.UUID;

/**
 * One thing a client asked for, identified the way a retry must identify it: the idempotency key of an admin
 * operation, the request id of a consumption call. {@code amount} is in thousandths: the credits moved, the
 * hold's estimate (0 for the feature's default), or the cost.
 */
record Operation(Kind kind, String id, UUID user, long amount) {

    enum Kind {
        ASSIGN(Set.of("ALREADY_ASSIGNED", "INSUFFICIENT_UNASSIGNED")),
        ADD(Set.of("NO_ALLOCATION", "INSUFFICIENT_UNASSIGNED")),
        REMOVE(Set.of("NO_ALLOCATION", "EXCEEDS_REMOVABLE")),
        AUTHORIZE(Set.of("NO_ALLOCATION", "CREDITS_EXHAUSTED", "TOO_MANY_IN_FLIGHT")),
        CHARGE(Set.of("NO_ALLOCATION", "CREDITS_EXHAUSTED", "TOO_MANY_IN_FLIGHT")),
        // Settling or voiding an authorization the service acknowledged is never refused: late (after the hold
        // expired) included.
        SETTLE(Set.of()),
        VOID(Set.of());

        /** The refusals that are a correct answer to this operation in the workload; any other is a defect. */
        final Set<String> expectedRefusals;

        Kind(Set<String> expectedRefusals) {
            this.expectedRefusals = expectedRefusals;
        }

        boolean isAdmin() {
            return this == ASSIGN || this == ADD || this == REMOVE;
        }

        /** The path segment of the admin endpoint. */
        String action() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The answer the client finally got. Figures are in thousandths and null when the answer did not carry
     * them (the client library recovers some outcomes from the request's state, without the balance).
     */
    record Outcome(boolean applied, String refusal, Long remaining, Long held, Long available, Long cost,
            boolean replayed) {

        static Outcome refused(String code, boolean replayed) {
            return new Outcome(false, code, null, null, null, null, replayed);
        }

        /** Same decision and, where both carry them, the same figures: what a replay must return. */
        boolean sameAnswerAs(Outcome other) {
            return applied == other.applied && java.util.Objects.equals(refusal, other.refusal)
                    && agree(remaining, other.remaining) && agree(held, other.held)
                    && agree(available, other.available) && agree(cost, other.cost);
        }

        private static boolean agree(Long a, Long b) {
            return a == null || b == null || a.equals(b);
        }
    }

    /** How the client came to its answer: after how many tries across outages. */
    record Answered(Operation operation, Outcome outcome, int tries) {
    }
}

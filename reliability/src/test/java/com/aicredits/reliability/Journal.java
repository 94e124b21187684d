package com.aicredits.reliability;

import com.aicredits.reliability.Operation.Answered;
import com.aicredits.reliability.Operation.Kind;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * What the clients were told: every operation with the definitive answer it finally got. The ledger checks
 * hold the database against this record.
 */
final class Journal {

    private final Queue<Answered> answered = new ConcurrentLinkedQueue<>();

    void record(Answered entry) {
        answered.add(entry);
    }

    List<Answered> all() {
        return List.copyOf(answered);
    }

    List<Answered> where(Predicate<Answered> filter) {
        return answered.stream().filter(filter).toList();
    }

    List<Answered> applied(Kind kind) {
        return where(a -> a.operation().kind() == kind && a.outcome().applied());
    }

    long count(Predicate<Answered> filter) {
        return answered.stream().filter(filter).count();
    }

    /** Counts for the report: how much was acknowledged and how much of it only after retries. */
    String summary() {
        return "%d operations answered (%d applied, %d refused), %d needed more than one try, %d answered as replays"
                .formatted(answered.size(), count(a -> a.outcome().applied()), count(a -> !a.outcome().applied()),
                        count(a -> a.tries() > 1), count(a -> a.outcome().replayed()));
    }
}

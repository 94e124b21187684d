package com.aicredits.reliability;

import com.aicredits.reliability.Operation.Answered;
import com.aicredits.reliability.Operation.Kind;
import com.aicredits.reliability.Operation.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Many clients at once, each doing a random mix of everything the service offers (assign, add, remove,
 * authorize then settle or void — sometimes late, after the hold expired — and charge) on the tenant's users.
 * Each client keeps retrying its current operation with the same key or request id until it gets a
 * definitive answer, across crashes and outages, as a careful real client does, and records that answer.
 */
final class Workload {

    /** How long one operation may stay unanswered before the test gives up on the service. */
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    private final Seed seed;
    private final Tenant tenant;
    private final Operations operations;
    private final Journal journal;
    private final String tag;
    private final List<Thread> clients = new ArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();

    /** The share (percent) of a client's steps that are a batch of charges; 0 unless a test asks for batches. */
    private volatile int batchShare;

    Workload(Seed seed, Tenant tenant, Operations operations, Journal journal, String tag) {
        this.seed = seed;
        this.tenant = tenant;
        this.operations = operations;
        this.journal = journal;
        this.tag = tag;
    }

    /** Gives every user an allocation to spend (recorded like any other operation). */
    void assignEveryone(long thousandths) {
        for (UUID user : tenant.users()) {
            answer(new Operation(Kind.ASSIGN, tag + "-setup-" + user, user, thousandths), false);
        }
    }

    /** Makes {@code percent} of each client's steps a batch of 2 to 12 charges (issue 16), before {@link #start}. */
    Workload withBatches(int percent) {
        batchShare = percent;
        return this;
    }

    /**
     * Sends the charges as one batch until it is answered, and records each item's answer as if it had been a single
     * charge: the checks hold batch items to exactly what they hold charges to.
     */
    void answerBatch(List<Operation> charges) {
        Instant giveUp = Instant.now().plus(PATIENCE);
        for (int tries = 1; ; tries++) {
            var outcomes = operations.attemptBatch(charges);
            if (outcomes.isPresent()) {
                for (int i = 0; i < charges.size(); i++) {
                    journal.record(new Answered(charges.get(i), outcomes.get().get(i), tries));
                }
                return;
            }
            if (Instant.now().isAfter(giveUp)) {
                throw new AssertionError("no definitive answer to a batch of " + charges.size() + " within " + PATIENCE);
            }
            ServiceProcess.pause(Duration.ofMillis(100 + (tries % 4) * 50));
        }
    }

    void start(int count) {
        for (int i = 0; i < count; i++) {
            int number = i;
            var client = Thread.ofPlatform().name(tag + "-client-" + number).start(() -> run(number));
            clients.add(client);
        }
    }

    /** Lets each client finish the operation it is on (getting its definitive answer), then stop. */
    void stop() {
        stopping.set(true);
        for (Thread client : clients) {
            try {
                client.join(PATIENCE.plusMinutes(1).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (!failures.isEmpty()) {
            var error = new AssertionError("a client failed: " + failures.getFirst().getMessage(), failures.getFirst());
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }

    /** Sends the operation until the answer is definitive, records it, and returns it. */
    Outcome answer(Operation op, boolean byHand) {
        var answered = ask(op, byHand);
        journal.record(answered);
        return answered.outcome();
    }

    /** Sends the operation, again and again with the same key or request id, until the answer is definitive. */
    Answered ask(Operation op, boolean byHand) {
        Instant giveUp = Instant.now().plus(PATIENCE);
        for (int tries = 1; ; tries++) {
            Optional<Outcome> outcome = operations.attempt(op, byHand);
            if (outcome.isPresent()) {
                return new Answered(op, outcome.get(), tries);
            }
            if (Instant.now().isAfter(giveUp)) {
                throw new AssertionError("no definitive answer to " + op + " within " + PATIENCE);
            }
            ServiceProcess.pause(Duration.ofMillis(100 + (tries % 4) * 50));
        }
    }

    private void run(int number) {
        Random random = seed.stream(100 + number);
        var open = new ArrayList<Operation>(); // this client's acknowledged authorizations, not yet settled or voided
        try {
            for (int n = 1; !stopping.get(); n++) {
                String id = tag + "-c" + number + "-" + n;
                UUID user = tenant.users().get(random.nextInt(tenant.users().size()));
                if (batchShare > 0 && random.nextInt(100) < batchShare) {
                    // One user several times in a row at times, so items of one user apply in order within a batch.
                    var charges = new ArrayList<Operation>();
                    for (int k = random.nextInt(2, 13); k > 0; k--) {
                        UUID whom = !charges.isEmpty() && random.nextInt(3) == 0 ? charges.getLast().user()
                                : tenant.users().get(random.nextInt(tenant.users().size()));
                        charges.add(new Operation(Kind.CHARGE, id + "-item" + k, whom, random.nextLong(1, 5_001)));
                    }
                    answerBatch(charges);
                    continue;
                }
                int dice = random.nextInt(100);
                if (dice < 4) {
                    answer(new Operation(Kind.ASSIGN, id, user, credits(random, 100, 500)), false);
                } else if (dice < 10) {
                    answer(new Operation(Kind.ADD, id, user, credits(random, 1, 50)), false);
                } else if (dice < 15) {
                    answer(new Operation(Kind.REMOVE, id, user, credits(random, 1, 30)), false);
                } else if (dice < 50) {
                    // Every fourth charge by hand, so raw answers (503s and their bodies) are seen as well.
                    answer(new Operation(Kind.CHARGE, id, user, random.nextLong(1, 5_001)), random.nextInt(4) == 0);
                } else if (dice < 75 && open.size() < 3) {
                    long estimate = random.nextBoolean() ? 0 : credits(random, 1, 3);
                    var authorize = new Operation(Kind.AUTHORIZE, id, user, estimate);
                    if (answer(authorize, false).applied()) {
                        open.add(authorize);
                    }
                } else if (!open.isEmpty()) {
                    // Finish one of the open requests; the oldest may be past its time-to-live (a late settle).
                    var request = open.remove(random.nextInt(open.size()));
                    if (random.nextInt(10) < 7) {
                        answer(new Operation(Kind.SETTLE, request.id(), request.user(), random.nextLong(0, 8_001)), false);
                    } else {
                        answer(new Operation(Kind.VOID, request.id(), request.user(), 0), false);
                    }
                }
            }
        } catch (Throwable e) {
            failures.add(e);
        }
        // Requests still open are left to the sweeper: expiry is part of what the checks cover.
    }

    private static long credits(Random random, int from, int to) {
        return random.nextLong(from, to + 1) * 1_000;
    }
}

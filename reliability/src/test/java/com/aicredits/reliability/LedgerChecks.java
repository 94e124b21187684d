package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.reliability.Operation.Answered;
import com.aicredits.reliability.Operation.Outcome;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * After the faults: the database, read directly, against what the clients were told. Every acknowledged
 * operation is in the ledger exactly once with the figures it was answered with, nothing that was refused
 * (or never acknowledged) is, replays return the first answer, the service's reconciliation finds no drift,
 * and the invariants of SPEC.md hold when recomputed here in SQL.
 */
final class LedgerChecks {

    private final PostgresServer database;
    private final Api api;
    private final String platformKey;
    private final Problems problems = new Problems();
    private final AnswerChecks answers;
    private final SpecInvariants invariants;

    LedgerChecks(PostgresServer database, Api api, String platformKey, Tenant tenant) {
        this.database = database;
        this.api = api;
        this.platformKey = platformKey;
        var rows = new TenantRows(tenant.id());
        this.answers = new AnswerChecks(tenant, rows, problems);
        this.invariants = new SpecInvariants(rows, problems);
    }

    /** Runs every check and fails with all the problems found; returns how many operations were checked. */
    int verify(Journal journal, Workload workload, Seed seed) throws SQLException, IOException {
        var answered = journal.all();
        try (Connection db = database.connect()) {
            // One snapshot for every statement: the service's hold sweeper still runs, and a hold it expired between
            // reading the requests and reading their entries showed as an authorized request with an expiry entry.
            db.setAutoCommit(false);
            db.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            db.setReadOnly(true);
            answers.check(db, answered);
            invariants.check(db);
            db.rollback();
        }
        var drifts = api.reconciliationDrifts(platformKey);
        if (!drifts.isEmpty()) {
            problems.addUncapped("reconciliation reports drift: " + drifts);
        }
        replaysReturnTheFirstAnswer(answered, workload, seed);
        assertThat(problems.found()).as("ledger problems (first " + Problems.SHOWN_MAX + ")").isEmpty();
        return answered.size();
    }

    /**
     * Sends a sample of the answered operations again, with the same key or request id: each must come back as
     * a replay of its first answer. Refused consumption is left out: nothing was stored for it, so sending it
     * again is a new request, not a retry.
     */
    private void replaysReturnTheFirstAnswer(List<Answered> answered, Workload workload, Seed seed) {
        var candidates = new ArrayList<>(answered.stream()
                .filter(a -> a.outcome().applied() || a.operation().kind().isAdmin()).toList());
        Collections.shuffle(candidates, new Random(seed.value()));
        for (Answered first : candidates.subList(0, Math.min(300, candidates.size()))) {
            Outcome again = workload.ask(first.operation(), false).outcome();
            if (!again.sameAnswerAs(first.outcome()) || !again.replayed()) {
                problems.add("%s was answered %s, then %s when sent again", first.operation(), first.outcome(), again);
            }
        }
    }
}

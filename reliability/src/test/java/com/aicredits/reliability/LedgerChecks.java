package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.reliability.Operation.Answered;
import com.aicredits.reliability.Operation.Kind;
import com.aicredits.reliability.Operation.Outcome;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

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
    private final Tenant tenant;
    private final List<String> problems = new ArrayList<>();

    LedgerChecks(PostgresServer database, Api api, String platformKey, Tenant tenant) {
        this.database = database;
        this.api = api;
        this.platformKey = platformKey;
        this.tenant = tenant;
    }

    /** Runs every check and fails with all the problems found; returns how many operations were checked. */
    int verify(Journal journal, Workload workload, Seed seed) throws SQLException, IOException {
        var answered = journal.all();
        try (Connection db = database.connect()) {
            db.setReadOnly(true);
            expectedAnswersOnly(answered);
            adminOperationsExactlyOnce(db, answered);
            consumptionExactlyOnce(db, answered);
            balancesAreWhatWasAcknowledged(db, answered);
            specInvariants(db);
        }
        var drifts = api.reconciliationDrifts(platformKey);
        if (!drifts.isEmpty()) {
            problems.add("reconciliation reports drift: " + drifts);
        }
        replaysReturnTheFirstAnswer(answered, workload, seed);
        assertThat(problems).as("ledger problems (first 30)").isEmpty();
        return answered.size();
    }

    // ------------------------------------------------------------------ what the clients were told

    private void expectedAnswersOnly(List<Answered> answered) {
        for (Answered a : answered) {
            if (!a.outcome().applied() && !a.operation().kind().expectedRefusals.contains(a.outcome().refusal())) {
                problem("%s was refused with %s", a.operation(), a.outcome().refusal());
            }
        }
    }

    private void adminOperationsExactlyOnce(Connection db, List<Answered> answered) throws SQLException {
        record KeyedEntry(String type, UUID user, long credits, long remainingAfter) {
        }
        Map<String, List<KeyedEntry>> entries = new HashMap<>();
        query(db, """
                select idempotency_key, type, user_id, credits, remaining_after from ledger_entries
                 where tenant_id = ? and idempotency_key is not null and type <> 'PURCHASE'
                """, rs -> entries.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                .add(new KeyedEntry(rs.getString(2), rs.getObject(3, UUID.class), rs.getLong(4), rs.getLong(5))));
        Set<String> acknowledged = new HashSet<>();
        for (Answered a : answered) {
            var op = a.operation();
            if (!op.kind().isAdmin()) {
                continue;
            }
            var found = entries.getOrDefault(op.id(), List.of());
            if (!a.outcome().applied()) {
                if (!found.isEmpty()) {
                    problem("%s was refused (%s) but is in the ledger: %s", op, a.outcome().refusal(), found);
                }
                continue;
            }
            acknowledged.add(op.id());
            if (found.size() != 1) {
                problem("%s was acknowledged; the ledger has %d entries for its key", op, found.size());
                continue;
            }
            var entry = found.getFirst();
            if (!entry.type().equals(op.kind().name()) || !entry.user().equals(op.user()) || entry.credits() != op.amount()) {
                problem("%s is recorded as %s", op, entry);
            }
            if (!Objects.equals(a.outcome().remaining(), entry.remainingAfter())) {
                problem("%s was answered with remaining %s; the entry says %d (not the first outcome)", op,
                        a.outcome().remaining(), entry.remainingAfter());
            }
        }
        for (var key : entries.keySet()) {
            if (!acknowledged.contains(key)) {
                problem("the ledger has an entry for %s, which no client was told was applied", key);
            }
        }
    }

    private void consumptionExactlyOnce(Connection db, List<Answered> answered) throws SQLException {
        record Request(UUID user, String status, long held, Long cost, long availableAfter, Long remainingAfter,
                boolean charge) {
        }
        Map<String, Request> requests = new HashMap<>();
        query(db, """
                select request_id, user_id, status, held, cost, available_after, remaining_after, expires_at is null
                  from consumption_requests where tenant_id = ?
                """, rs -> requests.put(rs.getString(1), new Request(rs.getObject(2, UUID.class), rs.getString(3),
                rs.getLong(4), (Long) rs.getObject(5), rs.getLong(6), (Long) rs.getObject(7), rs.getBoolean(8))));
        Map<String, Map<String, Integer>> entryTypes = new HashMap<>();
        query(db, """
                select request_id, type, count(*) from ledger_entries
                 where tenant_id = ? and request_id is not null group by request_id, type
                """, rs -> entryTypes.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getInt(3)));

        Map<String, Set<Kind>> appliedKinds = new HashMap<>();
        for (Answered a : answered) {
            var op = a.operation();
            if (op.kind().isAdmin()) {
                continue;
            }
            Outcome outcome = a.outcome();
            Request r = requests.get(op.id());
            if (!outcome.applied()) {
                if ((op.kind() == Kind.AUTHORIZE || op.kind() == Kind.CHARGE) && r != null) {
                    problem("%s was refused (%s) but the request exists: %s", op, outcome.refusal(), r);
                }
                continue;
            }
            appliedKinds.computeIfAbsent(op.id(), k -> new HashSet<>()).add(op.kind());
            if (r == null || !r.user().equals(op.user())) {
                problem("%s was acknowledged but its request is %s", op, r);
                continue;
            }
            switch (op.kind()) {
                case AUTHORIZE -> {
                    long held = op.amount() == 0 ? Operations.DEFAULT_ESTIMATE : op.amount();
                    if (r.charge() || r.held() != held || !Objects.equals(outcome.held(), held)
                            || (outcome.available() != null && outcome.available() != r.availableAfter())) {
                        problem("%s was answered %s; the request is %s", op, outcome, r);
                    }
                }
                case CHARGE, SETTLE -> {
                    if (!"SETTLED".equals(r.status()) || r.charge() != (op.kind() == Kind.CHARGE)
                            || !Objects.equals(r.cost(), op.amount()) || !Objects.equals(outcome.cost(), op.amount())
                            || (outcome.remaining() != null && !outcome.remaining().equals(r.remainingAfter()))) {
                        problem("%s was answered %s; the request is %s", op, outcome, r);
                    }
                }
                case VOID -> {
                    if (!"VOIDED".equals(r.status())) {
                        problem("%s was acknowledged; the request is %s", op, r);
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        for (var request : requests.entrySet()) {
            String id = request.getKey();
            Set<Kind> kinds = appliedKinds.getOrDefault(id, Set.of());
            if (!kinds.contains(Kind.AUTHORIZE) && !kinds.contains(Kind.CHARGE)) {
                problem("request %s exists (%s) but no client was told it was admitted", id, request.getValue());
                continue;
            }
            // The entries a request must have, each once: exactly what its acknowledged calls did, plus at most one
            // expiry of an authorization (settled or voided late, or still unsettled).
            var expected = kinds.stream().map(Kind::name).collect(Collectors.toSet());
            var types = entryTypes.getOrDefault(id, Map.of());
            var withoutExpiry = new HashSet<>(types.keySet());
            withoutExpiry.remove("EXPIRE");
            boolean expired = types.containsKey("EXPIRE");
            String status = request.getValue().status();
            if (!withoutExpiry.equals(expected) || types.values().stream().anyMatch(n -> n != 1)
                    || (expired && kinds.contains(Kind.CHARGE))
                    || ("EXPIRED".equals(status) != (expired && expected.equals(Set.of("AUTHORIZE"))))
                    || ("AUTHORIZED".equals(status) && !expected.equals(Set.of("AUTHORIZE")))) {
                problem("request %s (%s) has entries %s for acknowledged %s", id, status, types, expected);
            }
        }
    }

    /** The whole of what was acknowledged, summed per user, is exactly what the accounts hold. */
    private void balancesAreWhatWasAcknowledged(Connection db, List<Answered> answered) throws SQLException {
        Map<UUID, long[]> expected = new HashMap<>(); // assigned, consumed
        for (Answered a : answered) {
            if (!a.outcome().applied()) {
                continue;
            }
            var op = a.operation();
            long[] figures = expected.computeIfAbsent(op.user(), u -> new long[2]);
            switch (op.kind()) {
                case ASSIGN, ADD -> figures[0] += op.amount();
                case REMOVE -> figures[0] -= op.amount();
                case CHARGE, SETTLE -> figures[1] += op.amount();
                default -> {
                }
            }
        }
        Map<UUID, long[]> stored = new HashMap<>();
        query(db, "select user_id, assigned, consumed from accounts where tenant_id = ?",
                rs -> stored.put(rs.getObject(1, UUID.class), new long[] {rs.getLong(2), rs.getLong(3)}));
        for (var user : expected.keySet()) {
            long[] want = expected.get(user);
            long[] have = stored.getOrDefault(user, new long[2]);
            if (want[0] != have[0] || want[1] != have[1]) {
                problem("user %s: acknowledged assigned %d consumed %d, the account has assigned %d consumed %d", user,
                        want[0], want[1], have[0], have[1]);
            }
        }
        query(db, "select purchased, assigned from pools where tenant_id = ?", rs -> {
            long assigned = expected.values().stream().mapToLong(f -> f[0]).sum();
            if (rs.getLong(1) != tenant.purchased() || rs.getLong(2) != assigned) {
                problem("pool: purchased %d assigned %d; acknowledged purchased %d assigned %d", rs.getLong(1), rs.getLong(2),
                        tenant.purchased(), assigned);
            }
        });
    }

    // ------------------------------------------------------------------ SPEC.md's invariants, recomputed here

    private void specInvariants(Connection db) throws SQLException {
        violations(db, "purchased = unassigned + Σ assigned, unassigned >= 0", """
                select format('purchased %s, assigned %s, purchases %s, accounts assigned %s', p.purchased, p.assigned,
                              e.purchased, coalesce(a.assigned, 0))
                  from pools p
                  cross join (select coalesce(sum(credits) filter (where type = 'PURCHASE'), 0) as purchased
                                from ledger_entries where tenant_id = ?) e
                  left join (select sum(assigned) as assigned from accounts where tenant_id = ?) a on true
                 where p.tenant_id = ?
                   and (p.purchased - p.assigned < 0 or p.purchased <> e.purchased or p.assigned <> coalesce(a.assigned, 0))
                """);
        violations(db, "per account: remaining = assigned - consumed as the entries say, held = Σ open holds", """
                select format('%s: assigned %s consumed %s held %s open %s; entries assigned %s consumed %s last remaining %s; '
                              || 'requests consumed %s held %s open %s', a.user_id, a.assigned, a.consumed, a.held, a.open_holds,
                              e.assigned, e.consumed, e.last_remaining, r.consumed, r.held, r.open)
                  from accounts a
                  left join (select user_id, sum(assigned_delta) as assigned, sum(consumed_delta) as consumed,
                                    (array_agg(remaining_after order by id desc))[1] as last_remaining
                               from ledger_entries where tenant_id = ? and user_id is not null group by user_id) e
                         on e.user_id = a.user_id
                  left join (select user_id, coalesce(sum(cost) filter (where status = 'SETTLED'), 0) as consumed,
                                    coalesce(sum(held) filter (where status = 'AUTHORIZED'), 0) as held,
                                    count(*) filter (where in_flight) as open
                               from consumption_requests where tenant_id = ? group by user_id) r
                         on r.user_id = a.user_id
                 where a.tenant_id = ?
                   and (e.assigned is distinct from a.assigned or e.consumed is distinct from a.consumed
                        or e.last_remaining is distinct from a.assigned - a.consumed
                        or coalesce(r.consumed, 0) <> a.consumed or coalesce(r.held, 0) <> a.held
                        or coalesce(r.open, 0) <> a.open_holds or (not a.active and a.held <> 0))
                """);
        violations(db, "consumed never decreases", """
                select format('entry %s (%s) has consumed_delta %s', id, type, consumed_delta)
                  from ledger_entries where tenant_id = ? and consumed_delta < 0
                """);
        violations(db, "no request id is charged twice", """
                select format('request %s has %s cost entries', request_id, count(*))
                  from ledger_entries where tenant_id = ? and type in ('SETTLE', 'CHARGE')
                 group by request_id having count(*) > 1
                """);
        violations(db, "each user's entries chain", """
                select format('entry %s (%s of %s): remaining %s -> %s, previous ended at %s', id, type, user_id,
                              remaining_before, remaining_after, previous)
                  from (select id, type, user_id, remaining_before, remaining_after, assigned_delta, consumed_delta,
                               coalesce(lag(remaining_after) over (partition by user_id order by id), 0) as previous
                          from ledger_entries where tenant_id = ? and user_id is not null) chained
                 where remaining_before <> previous
                    or remaining_after <> remaining_before + assigned_delta - consumed_delta
                """);
        violations(db, "overdraft is bounded by concurrency limit x largest single cost", """
                select format('%s: remaining %s, limit %s, largest cost %s', a.user_id, a.assigned - a.consumed,
                              p.max_holds_per_user, c.largest)
                  from accounts a
                  join pools p on p.tenant_id = a.tenant_id
                  left join (select user_id, max(cost) as largest from consumption_requests where tenant_id = ?
                              group by user_id) c on c.user_id = a.user_id
                 where a.tenant_id = ? and a.assigned - a.consumed < -(p.max_holds_per_user * coalesce(c.largest, 0))
                """);
    }

    // ------------------------------------------------------------------ replays

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
                problem("%s was answered %s, then %s when sent again", first.operation(), first.outcome(), again);
            }
        }
    }

    // ------------------------------------------------------------------ plumbing

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private void query(Connection db, String sql, Row row) throws SQLException {
        try (var statement = db.prepareStatement(sql)) {
            int parameters = (int) sql.chars().filter(c -> c == '?').count();
            for (int i = 1; i <= parameters; i++) {
                statement.setObject(i, tenant.id());
            }
            try (var rs = statement.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }

    /** Runs a query that lists violations of one invariant (every parameter is the tenant id). */
    private void violations(Connection db, String invariant, String sql) throws SQLException {
        query(db, sql, rs -> problem("%s: %s", invariant, rs.getString(1)));
    }

    private void problem(String format, Object... args) {
        if (problems.size() < 30) {
            problems.add(format.formatted(args));
        } else if (problems.size() == 30) {
            problems.add("…");
        }
    }
}

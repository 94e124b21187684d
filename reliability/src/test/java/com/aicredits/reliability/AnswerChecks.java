package com.aicredits.reliability;

import com.aicredits.reliability.Operation.Answered;
import com.aicredits.reliability.Operation.Kind;
import com.aicredits.reliability.Operation.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What the clients were told, against the database read directly: every acknowledged operation is in the
 * ledger exactly once with the figures it was answered with, nothing that was refused (or never acknowledged)
 * is, and the acknowledged amounts add up to what the accounts and the pool hold.
 */
final class AnswerChecks {

    private final Tenant tenant;
    private final TenantRows rows;
    private final Problems problems;

    AnswerChecks(Tenant tenant, TenantRows rows, Problems problems) {
        this.tenant = tenant;
        this.rows = rows;
        this.problems = problems;
    }

    void check(Connection db, List<Answered> answered) throws SQLException {
        expectedAnswersOnly(answered);
        adminOperationsExactlyOnce(db, answered);
        consumptionExactlyOnce(db, answered);
        balancesAreWhatWasAcknowledged(db, answered);
    }

    private void expectedAnswersOnly(List<Answered> answered) {
        for (Answered a : answered) {
            if (!a.outcome().applied() && !a.operation().kind().expectedRefusals.contains(a.outcome().refusal())) {
                problems.add("%s was refused with %s", a.operation(), a.outcome().refusal());
            }
        }
    }

    private void adminOperationsExactlyOnce(Connection db, List<Answered> answered) throws SQLException {
        record KeyedEntry(String type, UUID user, long credits, long remainingAfter) {
        }
        Map<String, List<KeyedEntry>> entries = new HashMap<>();
        rows.query(db, """
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
                    problems.add("%s was refused (%s) but is in the ledger: %s", op, a.outcome().refusal(), found);
                }
                continue;
            }
            acknowledged.add(op.id());
            if (found.size() != 1) {
                problems.add("%s was acknowledged; the ledger has %d entries for its key", op, found.size());
                continue;
            }
            var entry = found.getFirst();
            if (!entry.type().equals(op.kind().name()) || !entry.user().equals(op.user()) || entry.credits() != op.amount()) {
                problems.add("%s is recorded as %s", op, entry);
            }
            if (!Objects.equals(a.outcome().remaining(), entry.remainingAfter())) {
                problems.add("%s was answered with remaining %s; the entry says %d (not the first outcome)", op,
                        a.outcome().remaining(), entry.remainingAfter());
            }
        }
        for (var key : entries.keySet()) {
            if (!acknowledged.contains(key)) {
                problems.add("the ledger has an entry for %s, which no client was told was applied", key);
            }
        }
    }

    private void consumptionExactlyOnce(Connection db, List<Answered> answered) throws SQLException {
        record Request(UUID user, String status, long held, Long cost, long availableAfter, Long remainingAfter,
                boolean charge) {
        }
        Map<String, Request> requests = new HashMap<>();
        rows.query(db, """
                select request_id, user_id, status, held, cost, available_after, remaining_after, expires_at is null
                  from consumption_requests where tenant_id = ?
                """, rs -> requests.put(rs.getString(1), new Request(rs.getObject(2, UUID.class), rs.getString(3),
                rs.getLong(4), (Long) rs.getObject(5), rs.getLong(6), (Long) rs.getObject(7), rs.getBoolean(8))));
        Map<String, Map<String, Integer>> entryTypes = new HashMap<>();
        rows.query(db, """
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
                    problems.add("%s was refused (%s) but the request exists: %s", op, outcome.refusal(), r);
                }
                continue;
            }
            appliedKinds.computeIfAbsent(op.id(), k -> new HashSet<>()).add(op.kind());
            if (r == null || !r.user().equals(op.user())) {
                problems.add("%s was acknowledged but its request is %s", op, r);
                continue;
            }
            switch (op.kind()) {
                case AUTHORIZE -> {
                    long held = op.amount() == 0 ? Operations.DEFAULT_ESTIMATE : op.amount();
                    if (r.charge() || r.held() != held || !Objects.equals(outcome.held(), held)
                            || (outcome.available() != null && outcome.available() != r.availableAfter())) {
                        problems.add("%s was answered %s; the request is %s", op, outcome, r);
                    }
                }
                case CHARGE, SETTLE -> {
                    if (!"SETTLED".equals(r.status()) || r.charge() != (op.kind() == Kind.CHARGE)
                            || !Objects.equals(r.cost(), op.amount()) || !Objects.equals(outcome.cost(), op.amount())
                            || (outcome.remaining() != null && !outcome.remaining().equals(r.remainingAfter()))) {
                        problems.add("%s was answered %s; the request is %s", op, outcome, r);
                    }
                }
                case VOID -> {
                    if (!"VOIDED".equals(r.status())) {
                        problems.add("%s was acknowledged; the request is %s", op, r);
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        for (var request : requests.entrySet()) {
            String id = request.getKey();
            Set<Kind> kinds = appliedKinds.getOrDefault(id, Set.of());
            if (!kinds.contains(Kind.AUTHORIZE) && !kinds.contains(Kind.CHARGE)) {
                problems.add("request %s exists (%s) but no client was told it was admitted", id, request.getValue());
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
                problems.add("request %s (%s) has entries %s for acknowledged %s", id, status, types, expected);
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
        rows.query(db, "select user_id, assigned, consumed from accounts where tenant_id = ?",
                rs -> stored.put(rs.getObject(1, UUID.class), new long[] {rs.getLong(2), rs.getLong(3)}));
        for (var user : expected.keySet()) {
            long[] want = expected.get(user);
            long[] have = stored.getOrDefault(user, new long[2]);
            if (want[0] != have[0] || want[1] != have[1]) {
                problems.add("user %s: acknowledged assigned %d consumed %d, the account has assigned %d consumed %d", user,
                        want[0], want[1], have[0], have[1]);
            }
        }
        rows.query(db, "select purchased, assigned from pools where tenant_id = ?", rs -> {
            long assigned = expected.values().stream().mapToLong(f -> f[0]).sum();
            if (rs.getLong(1) != tenant.purchased() || rs.getLong(2) != assigned) {
                problems.add("pool: purchased %d assigned %d; acknowledged purchased %d assigned %d", rs.getLong(1), rs.getLong(2),
                        tenant.purchased(), assigned);
            }
        });
    }
}

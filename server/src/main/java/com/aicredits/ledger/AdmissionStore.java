package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for starting AI requests. Admission (authorize, charge) is one call of a function (V30__admission_functions.sql):
 * the conditional UPDATE of the account, then the request row and the ledger entry, so the rule
 * ({@code admission_refusal} in V7__ledger_rules_and_lifecycle.sql) is decided by PostgreSQL under the account's row
 * lock, never in Java. The request row's primary key is the request id: a second insert for the same id fails the
 * whole call (nothing of it is applied), which is how a retry is recognised. Being one statement, an admission needs
 * no transaction around it: it commits on its own, in one round trip.
 */
@Repository
class AdmissionStore {

    private final JdbcClient jdbc;
    private final RoundShape rounds;

    AdmissionStore(JdbcClient jdbc, RoundShape rounds) {
        this.jdbc = jdbc;
        this.rounds = rounds;
    }

    /**
     * An admitted request: the user's figures after the admission statement (the figures before follow from the
     * amount, which is how alerts see a crossing without reading anything again).
     */
    record Admission(long remaining, long held, long assigned) {
    }

    /** Where a user stands, as the account_standing view defines it; {@code refusal} null means admissible. */
    record Standing(long available, long removable, boolean allocated, int inFlight, int inFlightMax,
            Refusal refusal) {
    }

    /** Authorizes a hold: credits_authorize (V30__admission_functions.sql), one round trip. */
    static final String AUTHORIZE = """
            select remaining, held, assigned
              from credits_authorize(:tenant, :user, :request, :feature, :amount, :actor, :now, :expires, :settleBy)""";

    /**
     * Charges: credits_charge (V30__admission_functions.sql), one round trip. The benchmark's pgbench script runs
     * exactly this statement (a test holds them equal), so the ratio it reports compares the service with its own SQL.
     */
    static final String CHARGE = """
            select remaining, held, assigned from credits_charge(:tenant, :user, :request, :feature, :amount, :actor, :now)""";

    Optional<Admission> authorize(TenantId tenant, RequestId request, UserId user, String feature, Credits hold,
            Actor actor, Instant now, Instant expiresAt, Instant settleBy) {
        return admit(AUTHORIZE, tenant, request, user, feature, hold, actor, now)
                .param("expires", expiresAt.atOffset(ZoneOffset.UTC))
                .param("settleBy", settleBy.atOffset(ZoneOffset.UTC))
                .query(AdmissionStore::admission).optional();
    }

    /** One item of an authorizations round (group commit, {@link HoldGatherer}). */
    record Hold(RequestId request, UserId user, String feature, long amount) {
    }

    /**
     * Authorizes a round of holds: credits_authorize_round (V33__hold_rounds.sql), one round trip and one commit,
     * each item by credits_authorize under its account's lock. Answers the admitted items' figures by their index in
     * the round; an item missing was refused, or its request id is already recorded.
     */
    static final String AUTHORIZE_ROUND = """
            select item, remaining, held, assigned
              from credits_authorize_round(:tenant, cast(:users as uuid[]), cast(:requests as text[]),
                                           cast(:features as text[]), cast(:amounts as bigint[]), :actor, :now,
                                           :expires, :settleBy)""";
    /** The same round item by item, for Citus (V38__rounds_item_by_item.sql, {@link RoundShape}). */
    static final String AUTHORIZE_ITEMS = AUTHORIZE_ROUND.replace("credits_authorize_round", "credits_authorize_items");

    Map<Integer, Admission> authorizeRound(TenantId tenant, List<Hold> round, Actor actor, Instant now,
            Instant expiresAt, Instant settleBy) {
        var admitted = new HashMap<Integer, Admission>();
        jdbc.sql(rounds.pick(AUTHORIZE_ROUND, AUTHORIZE_ITEMS))
                .param("tenant", tenant.value())
                .param("users", round.stream().map(h -> h.user().value().toString()).toArray(String[]::new))
                .param("requests", round.stream().map(h -> h.request().value()).toArray(String[]::new))
                .param("features", round.stream().map(Hold::feature).toArray(String[]::new))
                .param("amounts", round.stream().mapToLong(Hold::amount).toArray())
                .param("actor", actor.name())
                .param("now", now.atOffset(ZoneOffset.UTC))
                .param("expires", expiresAt.atOffset(ZoneOffset.UTC))
                .param("settleBy", settleBy.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> admitted.put(rs.getInt("item") - 1, admission(rs, n)))
                .list();
        return admitted;
    }

    Optional<Admission> charge(TenantId tenant, RequestId request, UserId user, String feature, Credits cost,
            Actor actor, Instant now) {
        return admit(CHARGE, tenant, request, user, feature, cost, actor, now)
                .query(AdmissionStore::admission).optional();
    }

    private JdbcClient.StatementSpec admit(String sql, TenantId tenant, RequestId request, UserId user, String feature,
            Credits amount, Actor actor, Instant now) {
        return jdbc.sql(sql)
                .param("tenant", tenant.value()).param("user", user.value()).param("request", request.value())
                .param("feature", feature).param("amount", amount.thousandths()).param("actor", actor.name())
                .param("now", now.atOffset(ZoneOffset.UTC));
    }

    /** The user's standing now; empty for a user who is not registered in the tenant. */
    Optional<Standing> standing(TenantId tenant, UserId user) {
        return jdbc.sql("""
                select available, removable, allocated, in_flight, in_flight_max, refusal
                  from account_standing where tenant_id = ? and user_id = ?
                """)
                .params(tenant.value(), user.value())
                .query((rs, n) -> {
                    String refusal = rs.getString("refusal");
                    return new Standing(rs.getLong("available"), rs.getLong("removable"), rs.getBoolean("allocated"), rs.getInt("in_flight"), rs.getInt("in_flight_max"),
                            refusal == null ? null : Refusal.valueOf(refusal));
                })
                .optional();
    }

    private static Admission admission(ResultSet rs, int n) throws SQLException {
        return new Admission(rs.getLong("remaining"), rs.getLong("held"), rs.getLong("assigned"));
    }
}

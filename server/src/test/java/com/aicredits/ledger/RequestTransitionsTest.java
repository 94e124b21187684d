package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.FEATURE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aicredits.TestApplication;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The consumption request's lifecycle enforced by the database itself (the table request_transitions in
 * V7__ledger_rules_and_lifecycle.sql): the table lists exactly the lifecycle, and any other change of status, a
 * request starting voided or expired, or a change after the settle deadline is refused by PostgreSQL, whatever
 * the application does.
 */
@TestApplication
class RequestTransitionsTest extends UserWithCreditsContext {

    static final List<String> STATUSES = List.of("AUTHORIZED", "SETTLED", "VOIDED", "EXPIRED");
    static final Set<String> ALLOWED = Set.of("AUTHORIZED>SETTLED", "AUTHORIZED>VOIDED", "AUTHORIZED>EXPIRED",
            "EXPIRED>SETTLED", "EXPIRED>VOIDED");

    static Stream<Arguments> forbiddenTransitions() {
        return STATUSES.stream().flatMap(from -> STATUSES.stream().filter(to -> !from.equals(to))
                .filter(to -> !ALLOWED.contains(from + ">" + to)).map(to -> Arguments.of(from, to)));
    }

    @Test
    void the_transition_table_lists_exactly_the_lifecycle() {
        var rows = jdbc.sql("select from_status || '>' || to_status from request_transitions").query(String.class).set();
        assertThat(rows).containsExactlyInAnyOrderElementsOf(
                Stream.concat(ALLOWED.stream(), Stream.of("START>AUTHORIZED", "START>SETTLED")).toList());
    }

    @ParameterizedTest(name = "{0} → {1} is refused")
    @MethodSource("forbiddenTransitions")
    void any_other_change_of_status_is_refused_by_the_database(String from, String to) {
        var request = requestIn(from);
        assertThatThrownBy(() -> jdbc.sql("update consumption_requests set status = ?, cost = case when ? = 'SETTLED' then 1 end,"
                        + " in_flight = ? = 'AUTHORIZED' or (? = 'EXPIRED' and in_flight) where tenant_id = ? and request_id = ?")
                .params(to, to, to, to, t.tenant.value(), request.value()).update())
                .hasMessageContaining("may not go from " + from + " to " + to);
    }

    @Test
    void a_request_cannot_start_voided_or_expired() {
        for (String status : List.of("VOIDED", "EXPIRED")) {
            assertThatThrownBy(() -> jdbc.sql("""
                    insert into consumption_requests (tenant_id, request_id, user_id, feature, status, held,
                        available_after, created_at)
                    values (?, ?, ?, 'canvas', ?, 0, 0, now())
                    """).params(t.tenant.value(), "born-" + status, ada.value(), status).update())
                    .hasMessageContaining("may not go from START to " + status);
        }
    }

    @Test
    void an_expired_request_past_its_deadline_is_final_in_the_database_too() {
        var request = authorized("2");
        expireHolds();
        clock.advance(PAST_THE_DEADLINE);
        ledger.expireHolds();
        assertThatThrownBy(() -> jdbc.sql("update consumption_requests set status = 'VOIDED' where tenant_id = ? and request_id = ?")
                .params(t.tenant.value(), request.value()).update())
                .hasMessageContaining("settle deadline passed");
    }

    private RequestId requestIn(String status) {
        return switch (status) {
            case "AUTHORIZED" -> authorized("1");
            case "SETTLED" -> t.charged(ada, "1").requestId();
            case "VOIDED" -> {
                var request = authorized("1");
                ledger.voidRequest(t.tenant, request, FEATURE);
                yield request;
            }
            case "EXPIRED" -> {
                var request = authorized("1");
                expireHolds();
                yield request;
            }
            default -> throw new IllegalArgumentException(status);
        };
    }
}

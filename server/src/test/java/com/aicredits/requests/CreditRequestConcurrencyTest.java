package com.aicredits.requests;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.Together;
import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.Ledger;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;

/** Credit requests under contention: decisions on one request, filings for one user, approvals draining one pool. */
@TestApplication
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CreditRequestConcurrencyTest {

    @Autowired CreditRequests requests;
    @Autowired Ledger ledger;
    @Autowired Directory directory;

    @Test
    void sixteen_admins_deciding_one_request_at_once_grant_it_exactly_once() throws Exception {
        var tenant = directory.createTenant("Requests " + UUID.randomUUID()).id();
        var user = directory.register(tenant, new NewUser("Req User", "req@" + UUID.randomUUID() + ".example", Role.Planner))
                .orElseThrow().id();
        ledger.purchase(tenant, Credits.of(1000), "PO-1", null, new Actor("platform"), null).orElseThrow();
        var request = requests.file(tenant, user, Credits.of(40), "contention", "test").orElseThrow();

        var outcomes = Together.run(16, i -> i % 4 == 0
                ? requests.decline(tenant, request.id(), "no", "admin-" + i)
                : requests.approve(tenant, request.id(), null, null, "admin-" + i));

        assertThat(outcomes.stream().filter(o -> o instanceof Outcome.Done)).hasSize(1);
        assertThat(outcomes.stream().filter(o -> o instanceof Refused<CreditRequest> r && r.reason() == Refusal.REQUEST_CLOSED))
                .hasSize(15);
        var decided = requests.request(tenant, request.id()).orElseThrow();
        var assigned = ledger.balance(tenant, user).orElseThrow().assigned();
        assertThat(assigned).isEqualTo(decided.status() == CreditRequest.Status.APPROVED ? Credits.of(40) : Credits.ZERO);
        assertThat(ledger.reconcile(tenant).drifts()).isEmpty();
    }

    @Test
    void sixteen_requests_filed_at_once_for_one_user_leave_exactly_one_pending() throws Exception {
        var tenant = directory.createTenant("Requests " + UUID.randomUUID()).id();
        var user = directory.register(tenant, new NewUser("Many Asks", "asks@" + UUID.randomUUID() + ".example", Role.Viewer))
                .orElseThrow().id();
        var outcomes = Together.run(16, i -> requests.file(tenant, user, Credits.of(i + 1), "ask " + i, "test"));
        assertThat(outcomes.stream().filter(o -> o instanceof Outcome.Done)).hasSize(1);
        assertThat(outcomes.stream().filter(o -> o instanceof Refused<CreditRequest> r && r.reason() == Refusal.REQUEST_PENDING))
                .hasSize(15);
        assertThat(requests.count(tenant, CreditRequest.Status.PENDING)).isEqualTo(1);
    }

    @Test
    void approvals_racing_for_a_small_pool_grant_only_what_it_holds_and_leave_the_rest_pending() throws Exception {
        var tenant = directory.createTenant("Requests " + UUID.randomUUID()).id();
        ledger.purchase(tenant, Credits.of(100), "PO-1", null, new Actor("platform"), null).orElseThrow();
        var ids = new java.util.ArrayList<UUID>();
        for (int i = 0; i < 8; i++) {
            var user = directory.register(tenant, new NewUser("U" + i, "u" + i + "@" + UUID.randomUUID() + ".example", Role.Planner))
                    .orElseThrow().id();
            ids.add(requests.file(tenant, user, Credits.of(30), "pool race", "test").orElseThrow().id());
        }
        var outcomes = Together.run(8, i -> requests.approve(tenant, ids.get(i), null, null, "admin"));
        assertThat(outcomes.stream().filter(o -> o instanceof Outcome.Done)).hasSize(3);
        assertThat(outcomes.stream().filter(o -> o instanceof Refused<CreditRequest> r && r.reason() == Refusal.INSUFFICIENT_UNASSIGNED))
                .hasSize(5);
        assertThat(requests.count(tenant, CreditRequest.Status.PENDING)).isEqualTo(5);
        assertThat(ledger.unassigned(tenant).orElseThrow()).isEqualTo(Credits.of(10));
        assertThat(ledger.reconcile(tenant).drifts()).isEmpty();
    }
}

package com.aicredits.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.ledger.AccountRow;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.RowQuery.SortBy;
import com.aicredits.ledger.RowQuery.UserState;
import com.aicredits.ledger.RowQuery;
import com.aicredits.shared.Credits;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TestApplication
class DemoTenantTest {

    @Autowired Directory directory;
    @Autowired Ledger ledger;
    @Autowired com.aicredits.settings.TenantSettings settings;
    @Autowired com.aicredits.webhooks.Webhooks webhooks;
    @Autowired com.aicredits.requests.CreditRequests requests;
    @Autowired com.aicredits.notifications.Notifications notifications;

    @Test
    void the_demo_tenant_shows_every_state_at_once_and_reconciles() {
        new DemoTenant(directory, ledger, settings, webhooks, requests).run(null);
        new DemoTenant(directory, ledger, settings, webhooks, requests).run(null); // a restart does not seed twice

        var tenant = DemoTenant.ID;
        var summary = ledger.summary(tenant).orElseThrow();
        assertThat(summary.totalPurchased()).isEqualTo(Credits.of(14_500));
        assertThat(summary.totalUsers()).isEqualTo(25); // 26 registered, one deactivated
        // 18 assigned, one removed; three allowances opened allocations, and the Viewers' default one more
        assertThat(summary.usersWithCredits()).isEqualTo(21);
        // the pool ran dry; then a purchase, of which Radia's approved credit request took 40
        assertThat(summary.creditsUnassigned()).isEqualTo(Credits.of(1_960));
        assertThat(ledger.allowances(tenant)).hasSize(5);
        assertThat(ledger.allowances(tenant)).filteredOn(a -> a.lastGrant().orElseThrow().shortfall().isPositive())
                .singleElement().satisfies(a -> assertThat(a.note()).isEqualTo("Research sabbatical"));
        // Every source of a user shows in the Users tab: typed in, provisioned by SCIM, created at a single sign-on.
        assertThat(directory.users(tenant)).extracting(com.aicredits.directory.User::source)
                .contains(com.aicredits.directory.Source.MANUAL, com.aicredits.directory.Source.SCIM,
                        com.aicredits.directory.Source.SSO);
        var mary = directory.userByEmail(tenant, "mary.kenneth.keller@demo.example").orElseThrow();
        assertThat(ledger.balance(tenant, mary.id()).orElseThrow().remaining()).isEqualTo(Credits.of(50));
        assertThat(ledger.rows(tenant, new RowQuery(null, null, UserState.NEGATIVE, SortBy.NAME, false, 0, 50)).items())
                .singleElement().satisfies(row -> {
                    assertThat(row.name()).isEqualTo("John McCarthy");
                    assertThat(row.remaining()).isEqualTo(Credits.of(-5));
                });
        assertThat(ledger.rows(tenant, new RowQuery(null, null, UserState.LOW, SortBy.NAME, false, 0, 50)).items())
                .extracting(AccountRow::name).contains("Alan Turing", "Radia Perlman");
        assertThat(ledger.rows(tenant, new RowQuery(null, null, UserState.EXHAUSTED, SortBy.NAME, false, 0, 50)).items())
                .extracting(AccountRow::name).contains("Edsger Dijkstra");
        assertThat(ledger.rows(tenant, new RowQuery("ritchie", null, null, SortBy.NAME, false, 0, 50)).items()).isEmpty();
        assertThat(ledger.rows(tenant, RowQuery.firstPage()).items()).anySatisfy(row -> assertThat(row.held().isPositive()).isTrue());
        // three Viewers never assigned, plus Dennis after his removal (three others got allowances)
        assertThat(ledger.assignableUsers(tenant)).hasSize(4);
        // Credit requests in every state, and notifications for the admins and the people concerned.
        assertThat(requests.list(tenant, null, 0, 50)).extracting(r -> r.name() + " " + r.status())
                .containsExactlyInAnyOrder("Edsger Dijkstra PENDING", "Margaret Hamilton DECLINED", "Radia Perlman APPROVED")
                .first().isEqualTo("Edsger Dijkstra PENDING");
        var ada = directory.userByEmail(tenant, "ada.lovelace@demo.example").orElseThrow();
        assertThat(notifications.inbox(tenant, ada.id(), false).items()).extracting(n -> n.type())
                .contains("credit_request.created", "user.exhausted");
        var edsger = directory.userByEmail(tenant, "edsger.dijkstra@demo.example").orElseThrow();
        assertThat(notifications.inbox(tenant, edsger.id(), false).items()).extracting(n -> n.type())
                .contains("user.low_balance", "user.exhausted");
        assertThat(ledger.reconcile(tenant).drifts()).isEmpty();
        // a webhook endpoint pointing at nothing, turned off, with a test event waiting in its log
        assertThat(webhooks.endpoints(tenant).orElseThrow()).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.enabled()).isFalse();
            assertThat(endpoint.url()).contains(".invalid/");
            assertThat(webhooks.deliveries(tenant, endpoint.id()).orElseThrow()).singleElement()
                    .satisfies(d -> assertThat(d.status()).isEqualTo(com.aicredits.webhooks.Delivery.Status.PENDING));
        });
    }
}

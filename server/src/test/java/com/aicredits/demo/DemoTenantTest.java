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

    @Test
    void the_demo_tenant_shows_every_state_at_once_and_reconciles() {
        new DemoTenant(directory, ledger, settings).run(null);
        new DemoTenant(directory, ledger, settings).run(null); // a restart does not seed twice

        var tenant = DemoTenant.ID;
        var summary = ledger.summary(tenant).orElseThrow();
        assertThat(summary.totalPurchased()).isEqualTo(Credits.of(14_500));
        assertThat(summary.totalUsers()).isEqualTo(25); // 26 registered, one deactivated
        // 18 assigned, one removed; three allowances opened allocations, and the Viewers' default one more
        assertThat(summary.usersWithCredits()).isEqualTo(21);
        assertThat(summary.creditsUnassigned()).isEqualTo(Credits.of(2_000)); // the pool ran dry; then a purchase
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
        assertThat(ledger.reconcile(tenant).drifts()).isEmpty();
    }
}

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

    @Test
    void the_demo_tenant_shows_every_state_at_once_and_reconciles() {
        new DemoTenant(directory, ledger).run(null);
        new DemoTenant(directory, ledger).run(null); // a restart does not seed twice

        var tenant = DemoTenant.ID;
        var summary = ledger.summary(tenant).orElseThrow();
        assertThat(summary.totalPurchased()).isEqualTo(Credits.of(12_500));
        assertThat(summary.totalUsers()).isEqualTo(24); // 25 registered, one deactivated
        assertThat(summary.usersWithCredits()).isEqualTo(17); // 18 allocated, one removed
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
        assertThat(ledger.assignableUsers(tenant)).hasSize(7); // six never assigned, plus Dennis after his removal
        assertThat(ledger.reconcile(tenant).drifts()).isEmpty();
    }
}

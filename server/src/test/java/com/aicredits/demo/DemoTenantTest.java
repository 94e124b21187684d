package com.aicredits.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.ledger.AccountRow;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.RowQuery.SortBy;
import com.aicredits.ledger.RowQuery.UserState;
import com.aicredits.ledger.RowQuery;
import com.aicredits.ledger.UsageQuery;
import com.aicredits.shared.Credits;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TestApplication
class DemoTenantTest {

    @Autowired Directory directory;
    @Autowired com.aicredits.access.Access access;
    @Autowired Ledger ledger;
    @Autowired com.aicredits.settings.TenantSettings settings;
    @Autowired com.aicredits.webhooks.Webhooks webhooks;
    @Autowired com.aicredits.requests.CreditRequests requests;
    @Autowired com.aicredits.notifications.Notifications notifications;
    @Autowired java.time.Clock clock;

    @Test
    void the_demo_tenant_shows_every_state_at_once_and_reconciles() {
        new DemoTenant(directory, access, ledger, settings, webhooks, requests, clock).run(null);
        new DemoTenant(directory, access, ledger, settings, webhooks, requests, clock).run(null); // a restart does not seed twice

        var tenant = DemoTenant.ID;
        var summary = ledger.summary(tenant).orElseThrow();
        assertThat(summary.totalPurchased()).isEqualTo(Credits.of(14_500));
        assertThat(summary.totalUsers()).isEqualTo(25); // 26 registered, one deactivated
        // 18 assigned, one removed; three allowances opened allocations, and the Viewers' default one more
        assertThat(summary.usersWithCredits()).isEqualTo(21);
        // the pool ran dry; then a purchase, of which Radia's approved credit request took 40
        assertThat(summary.creditsUnassigned()).isEqualTo(Credits.of(1_960));
        assertThat(ledger.allowances().all(tenant)).hasSize(5);
        assertThat(ledger.allowances().all(tenant)).filteredOn(a -> a.lastGrant().orElseThrow().shortfall().isPositive())
                .singleElement().satisfies(a -> assertThat(a.note()).isEqualTo("Research sabbatical"));
        // Every source of a user shows in the Users tab: typed in, provisioned by SCIM, created at a single sign-on.
        assertThat(directory.users(tenant)).extracting(com.aicredits.directory.User::source)
                .contains(com.aicredits.directory.Source.MANUAL, com.aicredits.directory.Source.SCIM,
                        com.aicredits.directory.Source.SSO);
        // The SCIM token those users came through, for the Sign-in & provisioning page to list.
        assertThat(access.keys(tenant).orElseThrow()).singleElement().satisfies(key -> {
            assertThat(key.name()).isEqualTo("entra-provisioning");
            assertThat(key.scope()).isEqualTo(com.aicredits.access.ApiKeyScope.scim);
        });
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
        sixty_days_of_use_tell_a_story(tenant);
        // a webhook endpoint pointing at nothing, turned off, with a test event waiting in its log
        assertThat(webhooks.endpoints(tenant).orElseThrow()).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.enabled()).isFalse();
            assertThat(endpoint.url()).contains(".invalid/");
            assertThat(webhooks.deliveries(tenant, endpoint.id()).orElseThrow()).singleElement()
                    .satisfies(d -> assertThat(d.status()).isEqualTo(com.aicredits.webhooks.Delivery.Status.PENDING));
        });
    }

    /**
     * The charts' story: four features over sixty days, weekdays busier than weekends, supplier-summary growing,
     * demand-forecast only since its launch three weeks ago; runways that run out within the week, one before the
     * user's next grant. The reconciliation above passed with these backdated entries folded and not yet folded.
     */
    private void sixty_days_of_use_tell_a_story(com.aicredits.shared.TenantId tenant) {
        ledger.overTime().fold();
        assertThat(ledger.reconcile(tenant).drifts()).as("after the roll-ups took the backdated days").isEmpty();
        var today = ledger.overTime().today(tenant);
        var usage = ledger.overTime().usage(tenant, new UsageQuery(today.minusDays(DemoUsage.DAYS - 1L), today,
                UsageQuery.Interval.DAY, UsageQuery.GroupBy.FEATURE, null, 10));
        Map<String, List<Long>> perDay = new java.util.HashMap<>();
        usage.series().forEach(series -> perDay.put(series.key(),
                series.points().stream().map(p -> p.consumed().thousandths()).toList()));
        assertThat(perDay.keySet()).containsExactlyInAnyOrder("canvas", "supplier-summary", "demand-forecast", "translate");
        assertThat(perDay.get("demand-forecast").subList(0, DemoUsage.LAUNCH_DAY)).as("before its launch").containsOnly(0L);
        assertThat(sum(perDay.get("demand-forecast"))).isPositive();
        var summary = perDay.get("supplier-summary");
        assertThat(sum(summary.subList(46, 60))).as("growing").isGreaterThan(2 * sum(summary.subList(0, 14)));
        assertThat(perDay.get("canvas").stream().filter(c -> c > 0).count()).as("days with use").isGreaterThan(40);
        long weekdays = 0, weekends = 0;
        for (int d = 0; d < DemoUsage.DAYS - 1; d++) { // today is cut off at now
            int day = d;
            long all = perDay.values().stream().mapToLong(c -> c.get(day)).sum();
            var dow = today.minusDays(DemoUsage.DAYS - 1L - d).getDayOfWeek();
            if (dow == java.time.DayOfWeek.SATURDAY || dow == java.time.DayOfWeek.SUNDAY) {
                weekends += all;
            } else {
                weekdays += all;
            }
        }
        assertThat(weekdays).as("five weekdays against two weekend days").isGreaterThan(weekends * 2 * 5 / 2);

        var atRisk = ledger.overTime().forecast(tenant, 50).users();
        assertThat(atRisk).extracting(u -> u.name()).contains("Alan Turing", "Jean Sammet");
        assertThat(atRisk).filteredOn(u -> u.runway().beforeNextGrant()).extracting(u -> u.name()).contains("Jean Sammet");
        assertThat(ledger.rows(tenant, new RowQuery(null, null, UserState.RUNS_OUT_SOON, SortBy.RUNS_OUT_ON, false, 0, 50))
                .items()).extracting(AccountRow::name).contains("Alan Turing", "Jean Sammet").hasSizeGreaterThanOrEqualTo(4);
        assertThat(ledger.overTime().tenantRunway(tenant).runsOutOn()).as("the pool lasts months").isAfter(today.plusDays(60));
    }

    private static long sum(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sum();
    }
}

package com.aicredits.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.ledger.RequestId;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.shared.Credits;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.SelectOption;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The usage charts (SPEC part two): drawn with the tenant's figures, an empty state on a new tenant, the range and
 * interval pickers, a live charge moving today's bar, and a user's chart on their history and own balance pages.
 */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageBrowserTest extends AdminBrowserTest {

    /** The last value of the chart's first series, as Chart.js holds it. */
    static double lastBar(Page page, String chart) {
        return ((Number) page.evaluate("id => { const c = Chart.getChart(document.getElementById(id));"
                + " return c ? Number(c.data.datasets[0].data.at(-1)) : -1; }", chart)).doubleValue();
    }

    static void waitForChart(Page page, String chart) {
        page.waitForFunction("id => window.Chart && document.getElementById(id) && Chart.getChart(document.getElementById(id))", chart);
    }

    @Test
    void the_ai_credits_tab_draws_consumption_by_feature_and_the_top_consumers() {
        Page page = admin();
        var panel = page.locator("[data-usage-panel]");
        assertThat(panel).isVisible();
        waitForChart(page, "usage-by-feature");
        waitForChart(page, "top-consumers");
        assertThat(lastBar(page, "usage-by-feature")).as("today's bar: Ken's 17").isEqualTo(17.0);
        assertThat(panel.locator("[data-usage-summary]")).containsText("consumed 17 credits");
        assertThat(panel.locator("[data-usage-summary]")).containsText("most on canvas");
        assertThat(page.locator("[data-card=runway]")).containsText("At this pace (1.214 a day), the available credits last until ~");
        assertThat(panel.locator("#usage-by-feature-data + details tbody tr")).hasCount(30);
        Browser.screenshot(page, "usage-chart");
    }

    @Test
    void the_range_and_interval_pickers_change_what_the_chart_shows() {
        Page page = admin();
        waitForChart(page, "usage-by-feature");
        page.locator("[data-usage-range]").selectOption(new SelectOption().setValue("7"));
        assertThat(page.locator("#usage-by-feature-data + details tbody tr")).hasCount(7);
        waitForChart(page, "usage-by-feature");
        assertThat(page.locator("[data-usage-range]")).hasValue("7");
        page.locator("[data-usage-interval]").selectOption(new SelectOption().setValue("month"));
        assertThat(page.locator("#usage-by-feature-data + details thead th").first()).hasText("From");
        assertThat(page.locator("[data-usage-range]")).hasValue("7"); // the range is kept
        waitForChart(page, "usage-by-feature");
        assertThat(lastBar(page, "usage-by-feature")).isEqualTo(17.0);
    }

    @Test
    void a_live_charge_moves_todays_bar() {
        Page page = admin();
        Browser.whenLive(page);
        waitForChart(page, "usage-by-feature");
        ledger.charge(tenant.id, new RequestId(UUID.randomUUID().toString()), tenant.grace, "canvas", Credits.of(5),
                AdminTenant.SEED);
        page.waitForFunction("() => { const c = Chart.getChart(document.getElementById('usage-by-feature'));"
                + " return c && Number(c.data.datasets[0].data.at(-1)) === 22; }");
        assertThat(page.locator("[data-usage-summary]")).containsText("consumed 22 credits");
    }

    /**
     * The State filter's "Runs out within 7 days" (the API's state=runs_out_soon): Grace, 90 of 100 used today,
     * is in it; Mo, 1 of 500 used, is not.
     */
    @Test
    void the_table_filters_to_the_users_who_run_out_within_a_week() {
        // A top-up to what she has (nothing granted now) whose next grant comes after tomorrow, when she runs out: a
        // month's, unless tomorrow is the 1st, then a week's (both only when tomorrow is a Monday the 1st).
        LocalDate tomorrow = ledger.overTime().today(tenant.id).plusDays(1);
        Period period = ledger.allowances().nextGrantDay(tenant.id, Period.MONTHLY).isAfter(tomorrow) ? Period.MONTHLY : Period.WEEKLY;
        ledger.allowances().set(tenant.id, tenant.grace, new AllowanceTerms(Credits.of(100), period, AllowanceMode.TOP_UP),
                null, AdminTenant.SEED).orElseThrow();
        ledger.charge(tenant.id, new RequestId(UUID.randomUUID().toString()), tenant.grace, "canvas", Credits.of(90),
                AdminTenant.SEED);
        tenant.withCredits("Mo Plenty", "mo", 500, 1);
        Page page = admin();
        assertThat(AdminTenant.row(page, "Mo Plenty")).hasCount(1);

        // SPEC: "Shown as a sortable column ("runs out ~Dec 18") ...; users at risk before their next allowance are
        // flagged." Grace: 10 left at 90 in 14 days, so tomorrow (10 * 14 / 90 = 1.6 whole days); Mo: in 19 years.
        LocalDate today = ledger.overTime().today(tenant.id);
        LocalDate graceRunsOut = today.plusDays(1);
        String day = graceRunsOut.format(DateTimeFormatter.ofPattern("MMM d", Locale.ENGLISH));
        assertThat(AdminTenant.row(page, "Grace Planner").locator("[data-col=runs-out]")).containsText("~" + day);
        boolean beforeGrant = graceRunsOut.isBefore(ledger.allowances().nextGrantDay(tenant.id, period));
        assertThat(AdminTenant.row(page, "Grace Planner").locator("[data-at-risk]")).hasCount(beforeGrant ? 1 : 0);
        assertThat(AdminTenant.row(page, "Mo Plenty").locator("[data-at-risk]")).hasCount(0);
        assertThat(AdminTenant.row(page, "Ken Viewer").locator("[data-col=runs-out]")).hasText("used up");
        page.locator("#table thead").getByText("Runs out").click();
        assertThat(page.locator("#table tbody tr").first()).containsText("Ken Viewer");
        assertThat(page.locator("#table tbody tr").nth(1)).containsText("Grace Planner");

        page.getByLabel("State").selectOption("runs_out_soon");
        assertThat(AdminTenant.row(page, "Mo Plenty")).hasCount(0);
        assertThat(AdminTenant.row(page, "Grace Planner")).hasCount(1);
    }

    @Test
    void a_new_tenant_sees_an_empty_state() {
        var quiet = directory.createTenant("Quiet Co " + UUID.randomUUID().toString().substring(0, 6)).id();
        String email = "admin@" + quiet.value().toString().substring(0, 8) + ".example";
        directory.register(quiet, new NewUser("Quinn Admin", email, Role.Admin, null, AdminTenant.PASSWORD)).orElseThrow();
        Page page = browser.signIn(email, AdminTenant.PASSWORD);
        assertThat(page.locator("[data-usage-empty]")).isVisible();
        assertThat(page.locator("[data-usage-summary]")).containsText("No consumption");
        assertThat(page.locator("[data-card=runway]")).containsText("The available credits are used up.");
    }

    @Test
    void a_users_history_and_own_balance_page_show_their_usage_and_runway() {
        Page page = admin(tenant.app() + "/credits/users/" + tenant.ken.value() + "/history");
        waitForChart(page, "usage-by-feature");
        assertThat(page.locator("[data-usage-summary]")).containsText("Ken Viewer consumed 17 credits");
        assertThat(page.locator("[data-usage-runway]")).hasText("The credits are used up.");

        ledger.charge(tenant.id, new RequestId(UUID.randomUUID().toString()), tenant.grace, "summarize", Credits.of(14),
                AdminTenant.SEED);
        Page grace = browser.signIn(tenant.email("grace"), AdminTenant.PASSWORD, tenant.app() + "/me");
        waitForChart(grace, "usage-by-feature");
        assertThat(grace.locator("[data-usage-summary]")).containsText("You consumed 14 credits");
        assertThat(grace.locator("[data-usage-runway]")).containsText("At this pace (1 a day), your credits last until ~");
    }

    /** Each feature's colour in the chart, by the series' label, as Chart.js draws it. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> colours(Page page, String chart) {
        waitForChart(page, chart);
        return (Map<String, Object>) page.evaluate("id => Object.fromEntries(Chart.getChart(document.getElementById(id))"
                + ".data.datasets.map(d => [d.label, d.backgroundColor]))", chart);
    }

    /**
     * The tenant's chart has summarize (the most), canvas (Ken's 17) and translate; Ken's own chart has canvas alone and
     * Grace's summarize and translate. Coloured by their place in each chart, canvas was the tenant's second colour
     * and Ken's first.
     */
    @Test
    void a_feature_has_the_same_colour_on_the_tenants_chart_and_on_each_users() {
        ledger.charge(tenant.id, new RequestId(UUID.randomUUID().toString()), tenant.grace, "summarize", Credits.of(40), AdminTenant.SEED);
        ledger.charge(tenant.id, new RequestId(UUID.randomUUID().toString()), tenant.grace, "translate", Credits.of(2), AdminTenant.SEED);
        Page page = admin();
        var tenantColours = colours(page, "usage-by-feature");
        assertThat(tenantColours).containsOnlyKeys("summarize", "canvas", "translate");
        assertThat(Set.copyOf(tenantColours.values())).as("one colour per feature").hasSize(3);

        page.navigate(tenant.app() + "/credits/users/" + tenant.ken.value() + "/history");
        assertThat(colours(page, "usage-by-feature")).containsExactlyEntriesOf(Map.of("canvas", tenantColours.get("canvas")));

        Page grace = browser.signIn(tenant.email("grace"), AdminTenant.PASSWORD, tenant.app() + "/me");
        assertThat(colours(grace, "usage-by-feature")).containsOnly(Map.entry("summarize", tenantColours.get("summarize")),
                Map.entry("translate", tenantColours.get("translate")));
    }

    @Test
    void the_history_filters_by_feature_and_dates_exports_what_it_shows_and_stays_live() {
        ledger.charge(tenant.id, new RequestId(UUID.randomUUID().toString()), tenant.grace, "canvas", Credits.of(3), AdminTenant.SEED);
        ledger.charge(tenant.id, new RequestId(UUID.randomUUID().toString()), tenant.grace, "summarize", Credits.of(4), AdminTenant.SEED);
        var today = ledger.overTime().today(tenant.id); // the tenant's zone is UTC, as the page's dates
        Page page = admin(tenant.app() + "/credits/users/" + tenant.grace.value() + "/history");
        var lines = page.locator("[data-history-line]");
        assertThat(lines).hasCount(3); // assigned, and two AI requests

        page.locator("#history-feature").selectOption("summarize");
        assertThat(lines).hasCount(1);
        assertThat(lines.first()).containsText("\u22124");
        String csv = page.request().get(page.locator("#history-csv").getAttribute("href")).text();
        assertThat(csv).as("the export has the filter's lines only").contains("summarize").doesNotContain("canvas")
                .hasLineCount(2);

        // A hand-edited URL never fails: what does not parse (or lies past 9999) is no filter.
        var odd = page.request().get(tenant.app() + "/credits/users/" + tenant.grace.value()
                + "/history/lines?from=%2B99999-01-01&to=not-a-day&type=NOPE&feature=" + "x".repeat(100) + "&page=-3");
        assertThat(odd.status()).isEqualTo(200);
        assertThat(odd.text()).contains("data-history-line");

        page.locator("#history-from").fill(today.plusDays(1).toString());
        assertThat(page.locator("#history-lines")).containsText("Nothing matches these filters.");
        page.locator("#history-from").fill(today.toString());
        page.locator("#history-to").fill(today.toString());
        assertThat(lines).hasCount(1);
        assertThat(page.locator("#history-csv")).hasAttribute("href", java.util.regex.Pattern.compile(
                "history\\.csv\\?from=" + today + "&to=" + today + "&feature=summarize$"));

        // A charge elsewhere redraws the lines with the filters kept: one more summarize line, no canvas one.
        ledger.charge(tenant.id, new RequestId(UUID.randomUUID().toString()), tenant.grace, "summarize", Credits.of(2), AdminTenant.SEED);
        ledger.charge(tenant.id, new RequestId(UUID.randomUUID().toString()), tenant.grace, "canvas", Credits.of(1), AdminTenant.SEED);
        assertThat(lines).hasCount(2);
        assertThat(lines.first()).containsText("\u22122");
        assertThat(page.locator("#history-feature")).hasValue("summarize");
    }
}

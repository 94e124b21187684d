package com.aicredits.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.RequestId;
import com.aicredits.shared.Credits;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.SelectOption;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A user's history page as an admin walks through it: the export a spreadsheet can sum, a date range given backwards,
 * the type filter in the lines' words, and the header's figures kept live like the lines.
 */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryBrowserTest extends AdminBrowserTest {

    /**
     * Figures are plain numbers (a minus, no thousands separator, no quotes), so a spreadsheet sums them; text a
     * spreadsheet would run as a formula still gets its leading apostrophe.
     */
    @Test
    void the_export_writes_figures_as_numbers_and_guards_text_that_reads_as_a_formula() {
        ledger.charge(tenant.id, new RequestId("r-188"), tenant.grace, "canvas",
                Credits.parse("188.625").orElseThrow(), AdminTenant.SEED); // 100 available, consumed in full: -88.625
        ledger.purchase(tenant.id, Credits.of(20_000), "PO-2", null, AdminTenant.SEED, null);
        ledger.add(tenant.id, tenant.grace, Credits.of(12_000), "=SUM(A1:A9)", new Actor("-2+3"), null).orElseThrow();
        Page page = admin(history(tenant.grace.value()));

        String csv = page.request().get(page.locator("#history-csv").getAttribute("href")).text();

        assertThat(csv.lines().skip(1).map(line -> line.substring(line.indexOf(',') + 1)).toList()).containsExactly(
                "\"Added\",12000,,11911.375,\"'-2+3\",\"\",\"'=SUM(A1:A9)\",\"\",\"\"",
                "\"AI request (charged)\",-188.625,,-88.625,\"Seed\",\"canvas\",\"\",\"r-188\",\"\"",
                "\"Assigned\",100,,100,\"Seed\",\"\",\"\",\"\",\"\"");
    }

    /** A From after To used to match nothing, silently (or, typed into the URL, was quietly turned round). */
    @Test
    void a_range_that_ends_before_it_starts_is_refused_next_to_the_filter() {
        var today = ledger.overTime().today(tenant.id); // the tenant's zone is UTC, as the page's dates
        String backwards = "?from=" + today + "&to=" + today.minusDays(1);
        Page page = admin(history(tenant.grace.value()));
        var lines = page.locator("[data-history-line]");
        assertThat(lines).hasCount(1);

        page.locator("#history-from").fill(today.toString());
        page.locator("#history-to").fill(today.minusDays(1).toString());

        assertThat(page.locator("#history-range-error")).hasText("From is after To: choose a From on or before To.");
        assertThat(lines).hasCount(0);
        assertThat(page.locator("#history-csv")).hasCount(0);
        Browser.screenshot(page, "history-range-refused");

        // Typed into the URL: the same refusal, with the dates as given; the export is refused too.
        page.navigate(history(tenant.grace.value()) + backwards);
        assertThat(page.locator("#history-range-error")).isVisible();
        assertThat(page.locator("#history-from")).hasValue(today.toString());
        assertThat(page.request().get(history(tenant.grace.value()) + ".csv" + backwards).status()).isEqualTo(400);

        Browser.whenLive(page);
        page.locator("#history-to").fill(today.toString());
        assertThat(lines).hasCount(1);
        assertThat(page.locator("#history-range-error")).hasCount(0);
    }

    @Test
    void the_type_filter_names_each_type_as_the_lines_do() {
        ledger.charge(tenant.id, new RequestId(UUID.randomUUID().toString()), tenant.grace, "canvas", Credits.of(3),
                AdminTenant.SEED);
        Page page = admin(history(tenant.grace.value()));

        assertThat(page.locator("#history-type option").allTextContents())
                .contains("Everything", "Assigned", "AI request (charged)", "AI request hold expired")
                .noneMatch(label -> label.matches("[A-Z_]+"));

        page.locator("#history-type").selectOption(new SelectOption().setLabel("AI request (charged)"));
        var lines = page.locator("[data-history-line]");
        assertThat(lines).hasCount(1);
        assertThat(lines.first()).containsText("AI request (charged)");
    }

    /** The lines heard a charge and redrew; the figures above them must too. */
    @Test
    void the_header_figures_follow_a_charge_made_while_the_page_is_open() {
        Page page = admin(history(tenant.grace.value()));
        var figures = header(page);
        assertThat(figures).containsText("Consumed 0");

        ledger.charge(tenant.id, new RequestId(UUID.randomUUID().toString()), tenant.grace, "canvas", Credits.of(5),
                AdminTenant.SEED);

        assertThat(page.locator("[data-history-line]")).hasCount(2);
        assertThat(figures).containsText("Assigned 100 · Consumed 5 · Remaining 95");
    }

    /** A user with no allocation has no figures; credits assigned while the page is open bring them. */
    @Test
    void the_header_figures_appear_when_credits_are_assigned_while_the_page_is_open() {
        Page page = admin(history(tenant.linus.value()));
        assertThat(page.locator("[data-history-line]")).hasCount(0);
        assertThat(header(page)).hasCount(0);

        ledger.assign(tenant.id, tenant.linus, Credits.of(40), null, AdminTenant.SEED, null).orElseThrow();

        assertThat(page.locator("[data-history-line]")).hasCount(1);
        assertThat(header(page)).containsText("Current allocation: Assigned 40 · Consumed 0 · Remaining 40");
    }

    private String history(UUID user) {
        return tenant.app() + "/credits/users/" + user + "/history";
    }

    /** "Assigned 100 · Consumed 0 · Remaining 100" (the usage panel's paragraphs say "consumed" too) */
    private static Locator header(Page page) {
        return page.locator("main p").filter(new Locator.FilterOptions().setHasText("Assigned"));
    }
}

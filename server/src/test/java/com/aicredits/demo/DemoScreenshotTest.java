package com.aicredits.demo;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.ledger.Ledger;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What a newcomer sees: the demo tenant's AI Credits tab with its usage charts drawn from the sixty days of demo use,
 * a user's history, the Assign dialog refusing, and the tab on a phone, saved as target/screenshots/demo-*.png (copied
 * to docs/ by hand when the screens change: demo-ai-credits to ai-credits-tab, demo-usage-chart to usage-chart,
 * demo-assign-dialog to assign-dialog, demo-phone to ai-credits-phone).
 */
@TestApplication
class DemoScreenshotTest {

    @LocalServerPort int port;
    @Autowired Directory directory;
    @Autowired com.aicredits.access.Access access;
    @Autowired Ledger ledger;
    @Autowired com.aicredits.settings.TenantSettings settings;
    @Autowired com.aicredits.webhooks.Webhooks webhooks;
    @Autowired com.aicredits.requests.CreditRequests requests;
    @Autowired java.time.Clock clock;

    @Test
    void the_demo_admin_signs_in_and_sees_every_state_of_the_table() {
        new DemoTenant(directory, access, ledger, settings, webhooks, requests, clock).run(null);
        try (var playwright = Playwright.create();
                var browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(Paths.get("/usr/bin/chromium"))
                        .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                "--disable-background-networking", "--disable-component-update", "--disable-sync")))) {
            Page page = signIn(browser, 1400, 1000);
            assertThat(page.locator("[data-card=purchased]")).hasText("14,500");
            assertThat(page.locator("#table")).containsText("-5");
            // The charts tell the demo's story: four features stacked, the top consumers, the pool's runway.
            waitForChart(page, "usage-by-feature");
            waitForChart(page, "top-consumers");
            org.assertj.core.api.Assertions.assertThat(page.evaluate("() => Chart.getChart(document.getElementById('usage-by-feature')).data.datasets.length"))
                    .isEqualTo(4);
            assertThat(page.locator("[data-usage-panel] [data-usage-summary]")).containsText("most on");
            assertThat(page.locator("[data-card=runway]")).containsText("the available credits last until ~");
            shoot(page, "demo-ai-credits.png");
            page.locator("[data-usage-panel]").screenshot(new Locator.ScreenshotOptions()
                    .setPath(Paths.get("target", "screenshots", "demo-usage-chart.png")));
            // 90 days: the first month without demand-forecast, the launch three weeks ago.
            page.locator("[data-usage-range]").selectOption("90");
            assertThat(page.locator("#usage-by-feature-data + details tbody tr")).hasCount(90);
            page.locator("[data-usage-range]").selectOption("30");
            assertThat(page.locator("#usage-by-feature-data + details tbody tr")).hasCount(30);

            // Jean's history: her chart, her runway before the weekly top-up, one line per request.
            page.navigate("/app/tenants/" + DemoTenant.ID + "/credits/users/"
                    + directory.userByEmail(DemoTenant.ID, "jean.sammet@demo.example").orElseThrow().id().value() + "/history");
            waitForChart(page, "usage-by-feature");
            assertThat(page.locator("[data-usage-runway]")).containsText("before the next allowance grant");
            assertThat(page.locator("[data-history-line]")).hasCount(9); // the weekly grant and eight requests
            page.navigate("/app/tenants/" + DemoTenant.ID + "/credits");
            waitForChart(page, "usage-by-feature");
            page.getByText("Assign User").click();
            page.locator("dialog[open]").getByLabel("Select User").selectOption(new com.microsoft.playwright.options.SelectOption().setIndex(1));
            page.locator("dialog[open]").getByLabel("Credits to Assign").fill("99999");
            page.locator("dialog[open]").getByText("Assign Credits", new Locator.GetByTextOptions().setExact(true)).click();
            assertThat(page.locator("dialog[open] [role=alert]")).isVisible();
            page.screenshot(new Page.ScreenshotOptions().setPath(Paths.get("target", "screenshots", "demo-assign-dialog.png")));

            // The same tab on a 390 x 844 phone, one row expanded.
            Page phone = signIn(browser, 390, 844);
            phone.locator("#table tbody tr").first().getByText("Details").click();
            shoot(phone, "demo-phone.png");
        }
    }

    private Page signIn(com.microsoft.playwright.Browser browser, int width, int height) {
        Page page = browser.newPage(new com.microsoft.playwright.Browser.NewPageOptions()
                .setBaseURL("http://localhost:" + port).setViewportSize(width, height));
        page.navigate("/login");
        page.getByLabel("Email").fill("ada.lovelace@demo.example");
        page.getByText("Continue", new Page.GetByTextOptions().setExact(true)).click(); // e-mail first
        page.getByLabel("Password").fill(DemoTenant.PASSWORD);
        page.getByText("Sign in", new Page.GetByTextOptions().setExact(true)).last().click();
        page.waitForSelector("body[data-live=connected]");
        return page;
    }

    private static void waitForChart(Page page, String chart) {
        page.waitForFunction("id => window.Chart && document.getElementById(id) && Chart.getChart(document.getElementById(id))", chart);
    }

    private static void shoot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(Paths.get("target", "screenshots", name)).setFullPage(true));
    }
}

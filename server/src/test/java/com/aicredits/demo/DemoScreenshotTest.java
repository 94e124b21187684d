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
 * What a newcomer sees: the demo tenant's AI Credits tab, the Assign dialog refusing, and the tab on a phone,
 * saved as target/screenshots/demo-*.png (copied to docs/ by hand when the screens change).
 */
@TestApplication
class DemoScreenshotTest {

    @LocalServerPort int port;
    @Autowired Directory directory;
    @Autowired Ledger ledger;
    @Autowired com.aicredits.settings.TenantSettings settings;
    @Autowired com.aicredits.webhooks.Webhooks webhooks;
    @Autowired com.aicredits.requests.CreditRequests requests;
    @Autowired java.time.Clock clock;

    @Test
    void the_demo_admin_signs_in_and_sees_every_state_of_the_table() {
        new DemoTenant(directory, ledger, settings, webhooks, requests, clock).run(null);
        try (var playwright = Playwright.create();
                var browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(Paths.get("/usr/bin/chromium"))
                        .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                "--disable-background-networking", "--disable-component-update", "--disable-sync")))) {
            Page page = signIn(browser, 1400, 1000);
            assertThat(page.locator("[data-card=purchased]")).hasText("14,500");
            assertThat(page.locator("#table")).containsText("-5");
            shoot(page, "demo-ai-credits.png");
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

    private static void shoot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(Paths.get("target", "screenshots", name)).setFullPage(true));
    }
}

package com.aicredits.demo;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.ledger.Ledger;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** What a newcomer sees: the demo tenant's AI Credits tab, saved as target/screenshots/demo-ai-credits.png. */
@TestApplication
class DemoScreenshotTest {

    @LocalServerPort int port;
    @Autowired Directory directory;
    @Autowired Ledger ledger;

    @Test
    void the_demo_admin_signs_in_and_sees_every_state_of_the_table() {
        new DemoTenant(directory, ledger).run(null);
        try (var playwright = Playwright.create();
                var browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(Paths.get("/usr/bin/chromium"))
                        .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                "--disable-background-networking", "--disable-component-update", "--disable-sync")))) {
            Page page = browser.newPage(new com.microsoft.playwright.Browser.NewPageOptions()
                    .setBaseURL("http://localhost:" + port).setViewportSize(1400, 1000));
            page.navigate("/login");
            page.getByLabel("Email").fill("ada.lovelace@demo.example");
            page.getByLabel("Password").fill(DemoTenant.PASSWORD);
            page.getByText("Sign in", new Page.GetByTextOptions().setExact(true)).last().click();
            assertThat(page.locator("[data-card=purchased]")).hasText("12,500");
            assertThat(page.locator("#table")).containsText("-5");
            page.screenshot(new Page.ScreenshotOptions().setPath(Paths.get("target", "screenshots", "demo-ai-credits.png"))
                    .setFullPage(true));
        }
    }
}
